// Sagas that must compensate: the room commit fails after the message was inserted; the
// compensation itself fails (dead letters, retried by chatctl to a clean state). A failed
// message leaves no trace.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { chatctl, fault, faultStats, metric } from '../e2e/lib/harness.mjs';
import {
  assertDelivered, assertHolds, runLoad, settle, setupLoad, useFaultNode, summary, verify,
} from './load.mjs';

const node = useFaultNode();

async function fired(point) {
  return (await faultStats(node))[point].fired;
}

test('room.commit failing after message.insert succeeded: the saga compensates', async () => {
  const load = await setupLoad(node);
  const compensated = await metric(node, 'chat_sagas_total{state="COMPENSATED"}');
  const inserts = await fired('message.insert');
  await fault(node, 'room.commit', 'fail*6');
  await runLoad(load, { perClient: 50, window: 8 });
  await fault(node, 'room.commit', null);
  await settle(node);
  // The saga itself cleaned up, before any recovery sweep could: nothing is pending at all.
  const report = verify(node, load, ['--max-pending-age=1ms']);
  await assertDelivered(assert, load);
  for (const c of load.clients) c.close();
  const line = summary('room.commit fails after insert', load, report);
  assert.equal(await fired('message.insert'), inserts, 'inserts were not disturbed');
  assert.equal((await faultStats(node))['room.commit'].armed, '');
  assert.ok(line.failed > 0, 'no message failed');
  assert.ok(await metric(node, 'chat_sagas_total{state="COMPENSATED"}') - compensated >= line.failed);
  assertHolds(assert, report);
});

test('message.delete failing during compensation: dead letters, then retried to a clean state', async () => {
  const load = await setupLoad(node);
  // Every compensation fails at its last step, for as long as the fault stays armed.
  await fault(node, 'message.delete', 'fail');
  await fault(node, 'room.commit', 'fail*3');
  await runLoad(load, { perClient: 40, window: 8 });
  await fault(node, 'room.commit', null);
  await settle(node);
  const failed = load.clients.reduce((n, c) => n + [...c.state.final.values()].filter(s => s === 'FAILED').length, 0);
  assert.ok(failed > 0, 'no saga compensated');

  // The node cannot finish the compensations: verify reports the dead letters.
  const broken = verify(node, load);
  const dead = broken.invariants.find(i => i.name === 'saga-dead-letters');
  assert.notEqual(broken.status, 0, 'verify passed with dead letters');
  assert.ok(dead.count >= failed, `dead letters ${dead.count} < failed ${failed}`);
  const listed = chatctl(node, ['dead-letters']);
  assert.equal(listed.status, 0);
  assert.match(listed.stdout, new RegExp(`saga dead letters: ${dead.count}\\b`));

  // chatctl (a process of its own, without the fault) compensates them.
  const retried = chatctl(node, ['retry-dead-letters']);
  assert.equal(retried.status, 0, retried.stderr);
  assert.match(retried.stdout, /compensated \d+ dead-lettered saga/);
  await fault(node, 'message.delete', null);
  const report = verify(node, load);
  await assertDelivered(assert, load);
  for (const c of load.clients) c.close();
  summary('message.delete fails during compensation', load, report, { deadLetters: dead.count });
  assertHolds(assert, report);
});
