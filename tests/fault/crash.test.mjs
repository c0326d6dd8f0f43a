// A persistence actor crashes mid-batch at each fault point, twice (the pools have two
// workers, so a crashed worker that was not replaced would leave none): the batch in flight
// fails or goes to recovery, the crashed worker is replaced, the node keeps serving, and
// whatever a client was told holds in the stores and on the Kafka topic.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fault, faultStats } from '../e2e/lib/harness.mjs';
import {
  assertDelivered, assertHolds, runLoad, settle, setupLoad, useFaultNode, summary, verifyWithin,
} from './load.mjs';

const node = useFaultNode();

const points = ['message.insert', 'room.commit', 'message.finalize', 'outbox.claim', 'kafka.produce'];

for (const point of points) {
  test(`${point} crashing its actor mid-batch`, async () => {
    const load = await setupLoad(node, { users: 4, rooms: 2 });
    const before = (await faultStats(node))[point].fired;
    let armed;
    await runLoad(load, {
      perClient: 40, window: 8, faultAfter: 60,
      during: () => { armed = fault(node, point, 'crash*2'); },
    });
    await armed;
    // Until both armed crashes fired: the relay's points are hit once per batch, and the load
    // may end before the second batch (bounded in rounds).
    const firedSoFar = async () => (await faultStats(node))[point].fired - before;
    for (let round = 0; round < 30 && await firedSoFar() < 2; ++round)
      await runLoad(load, { perClient: 2, window: 2, prefix: `drive${round}` });
    const fired = await firedSoFar();
    // The node still serves after the crashes: a second round is saved in full.
    const failedBefore = load.clients.reduce((n, c) => n + [...c.state.final.values()].filter(s => s === 'FAILED').length, 0);
    await runLoad(load, { perClient: 10, window: 4, prefix: 'after' });
    await fault(node, point, null);
    await settle(node);
    const report = await verifyWithin(node, load);
    await assertDelivered(assert, load);
    for (const c of load.clients) c.close();
    const line = summary(`${point} crashes`, load, report, { fired });
    assert.equal(fired, 2, `${point} crashed ${fired} times`);
    assert.equal(line.failed, failedBefore, 'messages failed after the crashes');
    assert.equal(line.saved + line.failed, line.sent);
    assertHolds(assert, report);
  });
}
