// Two nodes that disagree about membership: both run alone (no cluster port, no seeds), share
// the databases, and serve the same rooms, so each believes it owns every room. The owner
// epoch keeps one writer: a room actor whose claim was overtaken is fenced at its next
// commit and stops; its sagas compensate (the client is told FAILED, nothing stays) or are
// admitted again by the other owner. Nothing acknowledged is lost and nothing is stored
// twice. Subscribers see each seq at most once, in order; while the split lasts, the
// subscribers of one side miss what the other side committed (they catch up with since-seq).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { metric, startChatd, startKafka } from '../e2e/lib/harness.mjs';
import {
  assertHolds, faultOptions, runLoad, settle, setupLoad, summary, verifyWithin,
} from '../fault/load.mjs';

test('two nodes that both own the rooms: only one commits at a time', async () => {
  const kafka = await startKafka();
  const options = [...faultOptions, `--kafka.brokers=${kafka.bootstrap}`];
  const first = await startChatd([...options, '--node.id=node-a']);
  const second = await startChatd([...options, '--node.id=node-b'], { joining: first });
  try {
    const load = await setupLoad(first, { users: 4, rooms: 2, nodes: [first, second] });
    await runLoad(load, { perClient: 100, window: 4, timeout: 90000 });
    const fenced = (await metric(first, 'chat_rooms_fenced_total')) +
      (await metric(second, 'chat_rooms_fenced_total'));
    await settle(first);
    await settle(second);
    const report = await verifyWithin(first, load);
    for (const c of load.clients)
      for (const [roomId, seqs] of c.state.delivered) {
        const disorder = seqs.filter((seq, i) => i > 0 && seq <= seqs[i - 1]);
        assert.deepEqual(disorder, [], `room ${roomId}: duplicate or out-of-order deliveries`);
      }
    const reasons = {};
    for (const e of load.log) if (e.status === 'FAILED') reasons[e.errorCode + ' ' + e.errorMessage] = (reasons[e.errorCode + ' ' + e.errorMessage] ?? 0) + 1;
    for (const c of load.clients) c.close();
    const line = summary('split ownership: two nodes own the same rooms', load, report, { fenced });
    // Both owned the rooms: the fence stopped room actors on both sides, again and again.
    assert.ok(fenced > 0, 'no room actor was fenced: the nodes never competed');
    assert.ok(line.saved > 0);
    assert.equal(line.saved + line.failed, 400);
    assertHolds(assert, report);
  } finally {
    await second.stop();
    await first.stop();
    await kafka.stop();
  }
});
