// Every fault point fails intermittently (one hit in ten; the relay's points, which are hit
// once per batch, on two hits in a row) under a concurrent load of real clients. Whatever a client was told must be true in the stores and on the Kafka topic.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fault, faultStats } from '../e2e/lib/harness.mjs';
import { assertDelivered, assertHolds, runLoad, settle, setupLoad, useFaultNode, summary, verifyWithin } from './load.mjs';

const node = useFaultNode();

// The saga points fail some messages (compensated, told FAILED); the relay points only delay
// publication (retried, every message SAVED).
const points = [
  ['message.insert', { someFail: true }],
  ['room.commit', { someFail: true }],
  ['message.finalize', { someFail: true }],
  ['message.delete', { someFail: false }],
  ['outbox.claim', { someFail: false, fewHits: true }],
  ['kafka.produce', { someFail: false, fewHits: true }],
];

for (const [point, expect] of points) {
  test(`${point} failing one time in ten`, async () => {
    const load = await setupLoad(node, { users: 4, rooms: 2 });
    const before = (await faultStats(node))[point].fired;
    if (point === 'message.delete') {
      // message.delete only runs during compensation: make some sagas compensate. Its next
      // hit fails for sure, and the saga's retry must absorb it.
      await fault(node, 'room.commit', 'fail@0.2');
      await fault(node, point, 'fail*1');
    } else if (expect.fewHits) {
      // One hit per publication cycle, and the relay batches: a probability might never fire.
      // The next two cycles fail for sure; the relay's retries must absorb them.
      await fault(node, point, 'fail*2');
    } else {
      await fault(node, point, 'fail@0.1');
    }
    await runLoad(load, { perClient: 60, window: 8 });
    const fired = (await faultStats(node))[point].fired - before;
    await fault(node, point, null);
    await fault(node, 'room.commit', null);
    await settle(node);
    const report = await verifyWithin(node, load);
    await assertDelivered(assert, load);
    for (const c of load.clients) c.close();
    const line = summary(`intermittent ${point}`, load, report, { fired });
    assert.ok(fired > 0, `${point} never fired`);
    if (expect.someFail) assert.ok(line.failed > 0, 'no message failed');
    else if (point !== 'message.delete') assert.equal(line.failed, 0);
    assert.equal(line.saved + line.failed, line.sent);
    assertHolds(assert, report);
  });
}
