// Faults on the write paths of message changes: the change commit in the rooms store
// (room.change) and its apply to the messages store (message.apply). Nothing is half-applied:
// a refused change left no trace, an accepted one is in history (recovery applies what the
// room could not), and chatctl verify holds. An edit of a message whose saga then fails is
// never visible.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fault, faultStats, readEvents, rest, sleep, sqlValue, waitFor } from '../e2e/lib/harness.mjs';
import { assertHolds, runLoad, settle, setupLoad, summary, useFaultNode, verifyWithin } from './load.mjs';

const node = useFaultNode();

/// Saved messages of a load with the person who sent each.
function savedMessages(load) {
  const byId = new Map(load.people.map(p => [p.id, p]));
  return load.log.filter(e => e.status === 'SAVED').map(e => ({ id: e.persistedId, roomId: e.roomId, sender: byId.get(e.senderId) }))
    .filter(m => m.sender);
}

/// Edits, reactions, pins and deletes of the messages, at most `width` in flight; returns
/// [{message, kind, status, body}].
async function changeLoad(load, messages, width = 8) {
  const owner = load.people[0];
  const ops = [];
  messages.forEach((m, i) => {
    ops.push({ m, kind: 'edit', run: () => rest(node, 'PUT', `/api/v1/messages/${m.id}`, { content: `edited ${i}` }, m.sender.token) });
    for (const p of load.people.slice(0, 3))
      ops.push({ m, kind: 'react', run: () => rest(node, 'POST', '/api/v1/messages/reaction', { messageId: m.id, reaction: '👍' }, p.token) });
    if (i % 5 === 0)
      ops.push({ m, kind: 'delete', run: () => rest(node, 'DELETE', `/api/v1/messages/${m.id}`, undefined, owner.token) });
  });
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < ops.length) {
      const op = ops[next++];
      const reply = await op.run();
      results.push({ message: op.m, kind: op.kind, status: reply.status, body: reply.body });
    }
  }));
  return results;
}

/// Every accepted change is in history (detail) once recovery had its time.
async function assertAcceptedVisible(results, owner) {
  const accepted = results.filter(r => r.status === 200 && r.kind === 'edit');
  await waitFor(async () => {
    for (const r of accepted) {
      const read = await rest(node, 'GET', `/api/v1/messages/${r.message.id}`, undefined, owner.token);
      if (!read.body.deleted && read.body.content !== r.body.content) return false;
    }
    return true;
  }, 'accepted edits in history', 20000);
}

for (const [point, spec] of [['room.change', 'fail*6'], ['room.change', 'crash*3'], ['message.apply', 'fail*12'], ['message.apply', 'crash*4']]) {
  test(`${point} ${spec}: nothing half-applied, verify clean`, async () => {
    const load = await setupLoad(node);
    await runLoad(load, { perClient: 15, window: 4, prefix: `${point}-${spec}-` });
    const messages = savedMessages(load).slice(0, 40);
    assert.ok(messages.length >= 20);
    await fault(node, point, spec);
    const results = await changeLoad(load, messages);
    await fault(node, point, null);
    const fired = (await faultStats(node))[point].fired;
    assert.ok(fired > 0, `${point} never fired`);
    const refused = results.filter(r => r.status !== 200 && r.status !== 204);
    // Refusals are the fault's (or a delete that came first), with the contract's error body.
    for (const r of refused) {
      assert.equal(typeof r.body?.code, 'string', JSON.stringify(r));
      assert.ok([409, 500, 503, 504].includes(r.status) || r.body.code === 'MESSAGE_DELETED', JSON.stringify(r));
    }
    if (point === 'room.change') assert.ok(refused.some(r => r.body.code !== 'MESSAGE_DELETED'), 'no change was refused');
    await settle(node);
    await assertAcceptedVisible(results, load.people[0]);
    const report = await verifyWithin(node, load, 12000);
    summary(`${point} ${spec} during changes`, load, report, {
      changes: results.length, refusedChanges: refused.length,
    });
    assertHolds(assert, report);
    for (const c of load.clients) c.close();
  });
}

test('an edit of a message whose saga then fails is never visible', async () => {
  const load = await setupLoad(node, { users: 2, rooms: 1 });
  const [alice] = load.people;
  const roomId = load.roomIds[0];
  // The saga's last step hangs past its timeout and fails: the room commit exists for about a
  // second, then the saga compensates.
  await fault(node, 'message.finalize', 'hang=3s*1');
  const tempId = 'doomed-' + Date.now();
  const sending = rest(node, 'POST', '/api/v1/messages', { roomId, content: 'doomed words', tempId }, alice.token);
  let id = '';
  await waitFor(() => {
    id = sqlValue(node.dsn.rooms, `SELECT coalesce((SELECT message_id::text FROM room_messages WHERE message->>'tempId' = '${tempId}'), '')`);
    return id !== '';
  }, 'the room commit of the doomed message', 5000);
  const edits = [];
  const react = [];
  for (let i = 0; i < 10; ++i) {
    edits.push(await rest(node, 'PUT', `/api/v1/messages/${id}`, { content: `edit ${i}` }, alice.token));
    react.push(await rest(node, 'POST', '/api/v1/messages/reaction', { messageId: id, reaction: '👀' }, alice.token));
    await sleep(50);
  }
  const sent = await sending;
  assert.notEqual(sent.status, 201, 'the saga was to fail: ' + JSON.stringify(sent.body));
  for (const reply of [...edits, ...react])
    assert.ok(reply.status === 404 || (reply.status === 409 && reply.body.code === 'MESSAGE_PENDING'), JSON.stringify(reply));
  await settle(node);
  await sleep(3500); // the hung finalize ends
  assert.equal((await rest(node, 'GET', `/api/v1/messages/${id}`, undefined, alice.token)).status, 404);
  assert.equal(sqlValue(node.dsn.rooms, `SELECT count(*) FROM room_messages WHERE message_id = '${id}'`), '0');
  assert.equal(sqlValue(node.dsn.rooms, `SELECT count(*) FROM message_reactions WHERE message_id = '${id}'`), '0');
  assert.equal(sqlValue(node.dsn.messages, `SELECT count(*) FROM messages WHERE id = '${id}'`), '0');
  const events = readEvents(node).map(r => r.value).filter(e => e.payload?.messageId === id || e.payload?.id === id);
  assert.deepEqual(events.filter(e => e.eventType !== 'MessageSent' && e.eventType !== 'MessageRetracted').map(e => e.eventType), []);
  const report = await verifyWithin(node, load, 12000);
  assertHolds(assert, report);
  for (const c of load.clients) c.close();
});
