// Scheduled messages survive the death of their node. chatd is killed (kill -9, a fault point
// with action "kill") right after the scheduler claimed the due occurrences, after a message's
// room commit but before its saga finished, and after the sagas finished but before the
// occurrences were recorded; it restarts on the same databases and Kafka. Every occurrence is
// then SAVED exactly once (one message per schedule:{id}:{occurrence} tempId), every schedule
// is SENT, and chatctl verify is clean.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { chatctl, fault, newUser, rest, sqlValue, startKafka, waitFor } from '../e2e/lib/harness.mjs';
import { startFaultNode } from './load.mjs';

const schedules = 20;

for (const point of ['schedule.claim', 'message.finalize', 'schedule.finish']) {
  test(`kill -9 at ${point}: every occurrence SAVED exactly once after the restart`, async () => {
    const kafka = await startKafka();
    const node = await startFaultNode([`--kafka.brokers=${kafka.bootstrap}`,
      '--schedules.fire-timeout=3s', '--schedules.retry-delay=500ms']);
    try {
      const alice = await newUser(node, 'alice');
      const bob = await newUser(node, 'bob');
      const room = (await rest(node, 'POST', '/api/v1/chatrooms',
        { title: 'scheduled', type: 'GROUP', participantIds: [bob.id] }, alice.token)).body;
      const at = Date.now() + 2500;
      const ids = [];
      for (let i = 0; i < schedules; ++i) {
        const created = await rest(node, 'POST', '/api/v1/messages/schedule',
          { roomId: room.id, content: `at ${i}`, scheduledAt: new Date(at + i).toISOString() },
          (i % 2 ? bob : alice).token);
        assert.equal(created.status, 201, JSON.stringify(created.body));
        ids.push(created.body.id);
      }
      await fault(node, point, 'kill*1');
      // The node dies by itself at the point.
      await waitFor(async () => {
        try {
          await fetch(node.url + '/healthz');
          return false;
        } catch {
          return true;
        }
      }, `chatd to die at ${point}`, 20000);
      await node.kill();
      await node.start();
      const sent = () => Number(sqlValue(node.dsn.rooms,
        `SELECT count(*) FROM scheduled_messages WHERE status = 'SENT' AND id IN (${ids.join(',')})`));
      await waitFor(() => sent() === schedules, 'every schedule SENT', 30000);
      assert.equal(sqlValue(node.dsn.messages,
        "SELECT count(*) || '/' || count(DISTINCT temp_id) FROM messages WHERE temp_id LIKE 'schedule:%'"),
      `${schedules}/${schedules}`);
      assert.equal(sqlValue(node.dsn.rooms, `SELECT count(*) FROM room_messages WHERE room_id = ${room.id}`),
        String(schedules));
      const history = (await rest(node, 'GET', `/api/v1/messages/${room.id}?limit=100`, undefined, alice.token)).body.messages;
      assert.deepEqual(history.map(m => m.content).sort(), ids.map((_, i) => `at ${i}`).sort());
      const run = chatctl(node, ['verify']);
      assert.equal(run.status, 0, run.stdout + run.stderr);
    } finally {
      await node.stop();
      await kafka.stop();
    }
  });
}
