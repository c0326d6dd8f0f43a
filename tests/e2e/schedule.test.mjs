// Scheduled messages through a real chatd: created over REST, sent by the node's scheduler at
// their time through the room's saga (a subscribed client receives the message within a second
// of its time, the sender's status topic shows SAVED with tempId schedule:{id}:0), listed,
// changed and cancelled while PENDING, FAILED when the sender left the room; bad input and
// other users' schedules refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { chatctl, newUser, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

describe('scheduled messages', () => {
  let node;
  let alice;
  let bob;
  let mallory;
  let room;
  let client;
  const schedule = (user, body) => rest(node, 'POST', '/api/v1/messages/schedule', body, user.token);
  const list = async (user, query = '') => (await rest(node, 'GET', `/api/v1/messages/schedule${query}`, undefined, user.token)).body;
  const inFuture = ms => new Date(Date.now() + ms).toISOString();
  const live = () => client.inbox(`/topic/messages/${room.id}`);

  before(async () => {
    node = await startChatd();
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    mallory = await newUser(node, 'mallory');
    room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'later', type: 'GROUP', participantIds: [bob.id] }, alice.token)).body;
    client = await stompClient(node, alice.token);
    await client.subscribe(`/topic/messages/${room.id}`);
    await client.subscribe(`/topic/message/status/${room.id}`);
  });

  after(async () => {
    await client?.close();
    await node?.stop();
  });

  it('sends a schedule at its time, once, through the saga', async () => {
    const at = Date.now() + 2000;
    const created = await schedule(alice, { roomId: room.id, content: 'good morning', scheduledAt: new Date(at).toISOString() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, 'PENDING');
    assert.equal(created.body.roomId, room.id);
    assert.equal(created.body.recurrence, null);
    assert.equal(Date.parse(created.body.scheduledAt), at);
    await waitFor(() => live().length === 1, 'the scheduled message', 10000);
    const receivedAt = Date.now();
    const message = live()[0];
    assert.equal(message.content, 'good morning');
    assert.equal(message.senderId, alice.id);
    assert.ok(receivedAt - at < 1000, `received ${receivedAt - at} ms after its time`);
    assert.ok(receivedAt >= at - 50, 'not before its time');
    const tempId = `schedule:${created.body.id}:0`;
    await waitFor(() => client.inbox(`/topic/message/status/${room.id}`).some(s => s.tempId === tempId && s.status === 'SAVED'), 'SAVED');
    await waitFor(async () => (await list(alice)).find(s => s.id === created.body.id).status === 'SENT', 'SENT');
    const sent = (await list(alice)).find(s => s.id === created.body.id);
    assert.equal(sent.lastMessageId, message.id);
    // Sent means sent: no change or cancel any more, and never a second copy.
    const late = await rest(node, 'PUT', `/api/v1/messages/schedule/${created.body.id}`, { content: 'x' }, alice.token);
    assert.equal(late.status, 409);
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/schedule/${created.body.id}`, undefined, alice.token)).status, 409);
    await sleep(500);
    assert.equal(live().length, 1);
  });

  it('changes and cancels a PENDING schedule; lists the caller\'s own, next first', async () => {
    const first = (await schedule(alice, { roomId: room.id, content: 'draft', scheduledAt: inFuture(60_000) })).body;
    const second = (await schedule(alice, { roomId: room.id, content: 'weekly', scheduledAt: inFuture(30_000), recurrence: 'WEEKLY' })).body;
    assert.equal(second.recurrence, 'WEEKLY');
    const pending = (await list(alice, `?roomId=${room.id}`)).filter(s => s.status === 'PENDING').map(s => s.id);
    assert.deepEqual(pending, [second.id, first.id]);
    assert.deepEqual(await list(bob), []);
    // Other users' schedules are unknown to them.
    assert.equal((await rest(node, 'PUT', `/api/v1/messages/schedule/${first.id}`, { content: 'mine' }, bob.token)).status, 404);
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/schedule/${first.id}`, undefined, bob.token)).status, 404);
    assert.equal((await rest(node, 'PUT', '/api/v1/messages/schedule/999999', { content: 'x' }, alice.token)).status, 404);
    // A change of content and time; the edited schedule fires with the new content.
    const at = Date.now() + 1500;
    const changed = await rest(node, 'PUT', `/api/v1/messages/schedule/${first.id}`,
      { content: 'final', scheduledAt: new Date(at).toISOString() }, alice.token);
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.content, 'final');
    assert.equal(Date.parse(changed.body.scheduledAt), at);
    // Recurrence removed: once only.
    const once = await rest(node, 'PUT', `/api/v1/messages/schedule/${second.id}`, { recurrence: null }, alice.token);
    assert.equal(once.body.recurrence, null);
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/schedule/${second.id}`, undefined, alice.token)).status, 204);
    await waitFor(() => live().length === 2, 'the changed schedule', 10000);
    assert.equal(live()[1].content, 'final');
    assert.equal((await list(alice)).find(s => s.id === second.id).status, 'CANCELLED');
  });

  it('a cancelled schedule never fires', async () => {
    const soon = (await schedule(alice, { roomId: room.id, content: 'never', scheduledAt: inFuture(1200) })).body;
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/schedule/${soon.id}`, undefined, alice.token)).status, 204);
    await sleep(2000);
    assert.ok(!live().some(m => m.content === 'never'));
  });

  it('FAILED when the sender is no longer a member at its time', async () => {
    const leaving = (await schedule(bob, { roomId: room.id, content: 'from bob', scheduledAt: inFuture(1500) })).body;
    assert.equal((await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}/participants/${bob.id}`, undefined, bob.token)).status, 204);
    await waitFor(async () => (await list(bob)).find(s => s.id === leaving.id).status === 'FAILED', 'FAILED', 10000);
    const failed = (await list(bob)).find(s => s.id === leaving.id);
    assert.equal(failed.errorCode, 'NOT_MEMBER');
    assert.ok(!live().some(m => m.content === 'from bob'));
  });

  it('refuses bad input and strangers', async () => {
    const cases = [
      [{ roomId: room.id, content: 'past', scheduledAt: new Date(Date.now() - 1000).toISOString() }, 400],
      [{ roomId: room.id, content: 'far', scheduledAt: inFuture(400 * 24 * 3600 * 1000) }, 400],
      [{ roomId: room.id, content: 'when', scheduledAt: 'tomorrow' }, 400],
      [{ roomId: room.id, content: 'when' }, 400],
      [{ roomId: room.id, content: '', scheduledAt: inFuture(60_000) }, 400],
      [{ roomId: room.id, content: 'x'.repeat(9000), scheduledAt: inFuture(60_000) }, 400],
      [{ roomId: room.id, content: 'yearly', scheduledAt: inFuture(60_000), recurrence: 'YEARLY' }, 400],
      [{ roomId: 'one', content: 'x', scheduledAt: inFuture(60_000) }, 400],
      [{ roomId: room.id, content: 'stranger', scheduledAt: inFuture(60_000) }, 403, mallory],
    ];
    for (const [body, status, user = alice] of cases) {
      const answer = await schedule(user, body);
      assert.equal(answer.status, status, JSON.stringify(body).slice(0, 100));
      assert.ok(answer.body.code, 'an error code');
    }
    assert.equal((await rest(node, 'GET', '/api/v1/messages/schedule')).status, 401);
    assert.equal((await rest(node, 'GET', '/api/v1/messages/schedule?roomId=x', undefined, alice.token)).status, 400);
    assert.equal((await rest(node, 'DELETE', '/api/v1/messages/schedule/abc', undefined, alice.token)).status, 400);
  });

  it('chatctl verify is clean', () => {
    const run = chatctl(node, ['verify']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });
});
