// No step of a saga can block forever: each saga step hangs far past the step timeout, with
// its transaction open, and every client still gets its answer within the saga's own bound
// (the forward steps, the compensation attempts and the dead letter, each with its timeout),
// long before the hung operation returns. Then the late effect lands and recovery cleans up.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fault, faultStats } from '../e2e/lib/harness.mjs';
import {
  assertDelivered, assertHolds, runLoad, settle, setupLoad, useFaultNode, summary, verifyWithin,
} from './load.mjs';

const step = 300;
const attempts = 2;
const backoff = 20;
// Well above the load's duration: sagas queue behind the hung one in their room.
const hang = 8000;
// Three forward steps, the claim of the decision before undoing a commit in doubt (mark, then
// reading the message), two undo steps of `attempts` tries each (with backoff), then the dead
// letter and the compensating mark: every wait is one step timeout at most.
const sagaBound = 3 * step + 2 * step + 2 * attempts * step + 2 * (attempts - 1) * backoff + 2 * step;

const node = useFaultNode([
    `--saga.step-timeout=${step}ms`,
    `--saga.compensation-attempts=${attempts}`,
    `--saga.compensation-backoff=${backoff}ms`,
    '--recovery.pending-age=2s',
    '--recovery.interval=500ms',
    // Writers queued behind the hung transaction's row locks give up within one step.
    '--db.lock-timeout=200ms',
  ]);

for (const point of ['message.insert', 'room.commit', 'message.finalize']) {
  test(`${point} hanging ${hang} ms: every saga ends within ${sagaBound} ms`, async () => {
    const load = await setupLoad(node, { users: 3, rooms: 2 });
    const before = (await faultStats(node))[point].fired;
    await fault(node, point, `hang=${hang}ms*1`);
    const started = Date.now();
    await runLoad(load, { perClient: 20, window: 4, timeout: 30000 });
    const answered = Date.now() - started;
    assert.equal((await faultStats(node))[point].fired - before, 1, `${point} did not hang`);
    await fault(node, point, null);
    const slowest = Math.max(...load.clients.flatMap(c => c.state.latencies));
    // Margin for the gateway and the clients' own queues.
    assert.ok(slowest < sagaBound + 500, `an answer took ${slowest} ms`);
    assert.ok(answered < hang, 'the load waited for the hung operation');
    // The hung transaction commits late; recovery resolves what it left behind.
    await new Promise(resolve => setTimeout(resolve, hang - answered));
    await settle(node);
    const report = await verifyWithin(node, load, 5000);
    await assertDelivered(assert, load);
    for (const c of load.clients) c.close();
    summary(`${point} hangs ${hang} ms`, load, report, { slowestAnswerMs: slowest });
    assertHolds(assert, report);
  });
}
