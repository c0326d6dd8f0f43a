// Whole processes die under load. kill -9 of chatd, then a restart on the same databases and
// Kafka: clients reconnect and re-send what was never answered (same tempIds), recovery
// resolves every saga the dead process left unfinished within its configured bound, and
// nothing acknowledged is lost. PostgreSQL stopped hard (immediate mode) and started again:
// the node reconnects (messages sent meanwhile fail fast and leave no trace) and keeps
// every acknowledged message.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { freePort, repo, sleep, startKafka } from '../e2e/lib/harness.mjs';
import {
  assertDelivered, assertHolds, runLoad, settle, setupLoad, startFaultNode, summary, verify, verifyWithin,
} from './load.mjs';

// Recovery's bound with the fault suite's options: pending-age 4 s plus one sweep of 1 s.
const recoveryBound = 5000;

test('kill -9 of chatd under load, then restart', async () => {
  const kafka = await startKafka();
  const node = await startFaultNode([`--kafka.brokers=${kafka.bootstrap}`]);
  try {
    const load = await setupLoad(node, { users: 4, rooms: 2 });
    let restarted;
    let killedAt = 0;
    let upAt = 0;
    await runLoad(load, {
      perClient: 100, window: 8, faultAfter: 150, timeout: 90000,
      during: () => {
        restarted = (async () => {
          await node.kill();
          killedAt = Date.now();
          await node.start();
          upAt = Date.now();
        })();
      },
    });
    await restarted;
    const answeredMs = Date.now() - upAt;
    // Every saga the killed process left behind is resolved: nothing pending at all.
    let recoveredMs = null;
    while (Date.now() - upAt < recoveryBound + 5000) {
      const report = verify(node, load, ['--max-pending-age=1ms']);
      if (report.status === 0) {
        recoveredMs = Date.now() - upAt;
        break;
      }
      await sleep(250);
    }
    await settle(node);
    const report = await verifyWithin(node, load);
    await assertDelivered(assert, load);
    for (const c of load.clients) c.close();
    const line = summary('kill -9 and restart', load, report, {
      downMs: upAt - killedAt, answeredAfterRestartMs: answeredMs, recoveredMs,
    });
    assert.ok(line.resent > 0, 'no client had to re-send');
    assert.notEqual(recoveredMs, null, 'unfinished sagas were not resolved');
    assert.ok(recoveredMs <= recoveryBound + 1000, `recovery took ${recoveredMs} ms`);
    assert.equal(line.saved + line.failed, 400);
    assertHolds(assert, report);
  } finally {
    await node.stop();
    await kafka.stop();
  }
});

test('PostgreSQL stopped hard and started again under load', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-pg-'));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const pgctl = (...args) => {
    const run = spawnSync(path.join(repo, 'scripts/pg'), args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`scripts/pg ${args.join(' ')}: ${run.stderr}`);
  };
  pgctl('start', data, String(port));
  const node = await startFaultNode([], { pg: `host=127.0.0.1 port=${port} user=shoot` });
  try {
    const load = await setupLoad(node, { users: 4, rooms: 2 });
    let restarted;
    let upAt = 0;
    await runLoad(load, {
      perClient: 150, window: 8, faultAfter: 150, timeout: 90000,
      during: () => {
        // Asynchronous, so that clients keep sending while PostgreSQL is down.
        restarted = (async () => {
          await promisify(execFile)(path.join(repo, 'scripts/pg'), ['restart', data]);
          upAt = Date.now();
        })();
      },
    });
    await restarted;
    // The node is back in full: its store connections reconnect without failing anyone.
    const failedBefore = load.clients.reduce((n, c) => n + [...c.state.final.values()].filter(s => s === 'FAILED').length, 0);
    await runLoad(load, { perClient: 25, window: 8, prefix: 'after' });
    await settle(node);
    const report = await verifyWithin(node, load);
    await assertDelivered(assert, load);
    for (const c of load.clients) c.close();
    const firstSaved = load.log.filter(e => e.status === 'SAVED' && e.at >= upAt).map(e => e.at);
    const line = summary('PostgreSQL restart', load, report, {
      savedAfterRestart: firstSaved.length,
      recoveredMs: firstSaved.length ? Math.min(...firstSaved) - upAt : null,
    });
    assert.ok(firstSaved.length > 0, 'nothing was saved after PostgreSQL came back');
    assert.equal(line.failed, failedBefore, 'messages failed after PostgreSQL came back');
    assert.equal(line.saved + line.failed, 700);
    assertHolds(assert, report);
  } catch (e) {
    console.log(node.output().split('\n').slice(-60).join('\n'));
    throw e;
  } finally {
    await node.stop();
    spawnSync(path.join(repo, 'scripts/pg'), ['stop', data]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
