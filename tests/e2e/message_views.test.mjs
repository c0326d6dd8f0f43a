// Threads, forwarding, bookmarks, search and read receipts through a real chatd, over REST and
// STOMP, with their permission rules and bad input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { newUser, rest, startChatd, stompClient, waitFor } from './lib/harness.mjs';

describe('message views', () => {
  let node;
  let alice;
  let bob;
  let mallory;
  let room;
  let other; // a second room of alice and bob
  let lonely; // a room of mallory only
  let aliceClient;
  let bobClient;

  const send = async (user, roomId, content, extra = {}) => {
    const sent = await rest(node, 'POST', '/api/v1/messages',
      { roomId, content, tempId: 't' + Math.random(), ...extra }, user.token);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    return sent.body;
  };
  const createRoom = async (owner, title, participantIds) =>
    (await rest(node, 'POST', '/api/v1/chatrooms', { title, type: 'GROUP', participantIds }, owner.token)).body;

  before(async () => {
    node = await startChatd(['--gateway.send-rate=1000', '--gateway.send-burst=1000']);
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    mallory = await newUser(node, 'mallory');
    room = await createRoom(alice, 'views', [bob.id]);
    other = await createRoom(alice, 'elsewhere', [bob.id]);
    lonely = await createRoom(mallory, 'lonely', []);
    aliceClient = await stompClient(node, alice.token);
    bobClient = await stompClient(node, bob.token);
    await bobClient.subscribe('/user/queue/errors');
    await bobClient.subscribe('/user/queue/thread');
  });

  after(async () => {
    await aliceClient?.close();
    await bobClient?.close();
    await node?.stop();
  });

  it('threads: replies over REST and STOMP, in seq order on the thread topic, with replyCount and views', async () => {
    const parent = await send(alice, room.id, 'a topic to discuss');
    const threadTopic = `/topic/thread/${parent.id}`;
    await aliceClient.subscribe(threadTopic);
    const first = await rest(node, 'POST', '/api/v1/messages/thread',
      { roomId: room.id, parentMessageId: parent.id, content: 'first reply', tempId: 'r1' }, bob.token);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.threadId, parent.id);
    await bobClient.subscribe(`/topic/message/status/${room.id}`);
    bobClient.send('/app/thread', { roomId: room.id, parentMessageId: parent.id, content: 'second reply', tempId: 'r2' });
    await waitFor(() => bobClient.inbox(`/topic/message/status/${room.id}`).some(s => s.tempId === 'r2' && s.status === 'SAVED'), 'SAVED reply');
    // A reply through /app/chat with threadId counts too.
    bobClient.send('/app/chat', { roomId: room.id, content: 'third reply', tempId: 'r3', threadId: parent.id });
    await waitFor(() => aliceClient.inbox(threadTopic).length >= 3, 'three replies on the thread topic');
    const live = aliceClient.inbox(threadTopic);
    assert.deepEqual(live.map(m => m.content), ['first reply', 'second reply', 'third reply']);
    assert.deepEqual(live.map(m => m.seq), [...live.map(m => m.seq)].sort((a, b) => a - b));
    const view = await rest(node, 'GET', `/api/v1/messages/thread?parentMessageId=${parent.id}`, undefined, bob.token);
    assert.equal(view.status, 200);
    assert.equal(view.body.parent.id, parent.id);
    assert.equal(view.body.parent.replyCount, 3);
    assert.deepEqual(view.body.messages.map(m => m.content), ['first reply', 'second reply', 'third reply']);
    assert.equal(view.body.hasMore, false);
    const page = await rest(node, 'GET', `/api/v1/messages/thread?parentMessageId=${parent.id}&afterSeq=${live[0].seq}&limit=1`, undefined, bob.token);
    assert.deepEqual(page.body.messages.map(m => m.content), ['second reply']);
    assert.equal(page.body.hasMore, true);
    const list = await rest(node, 'GET', `/api/v1/messages/threads?roomId=${room.id}`, undefined, alice.token);
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].parent.id, parent.id);
    assert.equal(list.body[0].replyCount, 3);
    assert.deepEqual(list.body[0].participantIds, [bob.id]);
    assert.ok(!Number.isNaN(Date.parse(list.body[0].lastReplyAt)));
    // STOMP views answer on /user/queue/thread.
    bobClient.send('/app/thread/messages', { parentMessageId: parent.id });
    bobClient.send('/app/thread/detail', { parentMessageId: parent.id });
    await waitFor(() => bobClient.inbox('/user/queue/thread').length >= 2, 'thread answers');
    // The two answers may come in either order.
    const answers = bobClient.inbox('/user/queue/thread');
    const messages = answers.find(a => Array.isArray(a.messages));
    const detail = answers.find(a => a.replyCount !== undefined);
    assert.equal(messages.messages.length, 3);
    assert.equal(detail.parent.id, parent.id);
    assert.equal(detail.replyCount, 3);
    // The history of the room shows the parent's count too.
    const history = await rest(node, 'GET', `/api/v1/messages/${room.id}`, undefined, alice.token);
    assert.equal(history.body.messages.find(m => m.id === parent.id).replyCount, 3);
  });

  it('threads refuse a parent of another room, an unknown parent, a reply as parent, and non-members', async () => {
    const elsewhere = await send(alice, other.id, 'in another room');
    const wrongRoom = await rest(node, 'POST', '/api/v1/messages/thread',
      { roomId: room.id, parentMessageId: elsewhere.id, content: 'x', tempId: 'w1' }, bob.token);
    assert.equal(wrongRoom.status, 400, JSON.stringify(wrongRoom.body));
    const unknown = await rest(node, 'POST', '/api/v1/messages',
      { roomId: room.id, content: 'x', tempId: 'w2', threadId: '00000000-0000-0000-0000-000000000000' }, bob.token);
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    const badReply = await rest(node, 'POST', '/api/v1/messages',
      { roomId: room.id, content: 'x', tempId: 'w3', replyTo: elsewhere.id }, bob.token);
    assert.equal(badReply.status, 400, JSON.stringify(badReply.body));
    const parent = await send(alice, room.id, 'parent');
    assert.equal((await rest(node, 'GET', `/api/v1/messages/thread?parentMessageId=${parent.id}`, undefined, mallory.token)).status, 403);
    assert.equal((await rest(node, 'GET', `/api/v1/messages/threads?roomId=${room.id}`, undefined, mallory.token)).status, 403);
    assert.equal((await rest(node, 'GET', '/api/v1/messages/thread', undefined, bob.token)).status, 400);
    assert.equal((await rest(node, 'GET', '/api/v1/messages/threads?roomId=abc', undefined, bob.token)).status, 400);
    const mal = await stompClient(node, mallory.token);
    try {
      await mal.subscribe('/user/queue/errors');
      mal.client.subscribe(`/topic/thread/${parent.id}`, () => {});
      await waitFor(() => mal.inbox('/user/queue/errors').length >= 1 || mal.errors.length >= 1, 'thread topic refusal');
      mal.send('/app/thread', { roomId: room.id, parentMessageId: parent.id, content: 'x', tempId: 'm1' });
      await waitFor(() => mal.inbox('/user/queue/errors').some(e => e.tempId === 'm1' && e.code === 'NOT_MEMBER' && e.destination === '/app/thread'), 'reply refusal');
    } finally {
      await mal.close();
    }
  });

  it('forwarding: one message per target through the saga, with forwardedFrom; every membership checked', async () => {
    const source = await send(alice, room.id, 'worth sharing');
    const third = await createRoom(bob, 'bob and alice', [alice.id]);
    const forwarded = await rest(node, 'POST', '/api/v1/messages/forward',
      { messageId: source.id, targetRoomIds: [other.id, third.id, other.id], additionalContent: 'look' }, bob.token);
    assert.equal(forwarded.status, 201, JSON.stringify(forwarded.body));
    assert.equal(forwarded.body.length, 2, 'duplicate targets forward once');
    for (const m of forwarded.body) {
      assert.deepEqual(m.forwardedFrom, { messageId: source.id, roomId: room.id, senderId: alice.id });
      assert.equal(m.senderId, bob.id);
      assert.match(m.content, /worth sharing/);
      assert.match(m.content, /look/);
    }
    const inOther = await rest(node, 'GET', `/api/v1/messages/${other.id}`, undefined, alice.token);
    assert.ok(inOther.body.messages.some(m => m.forwardedFrom?.messageId === source.id));
    // Not a member of one target: nothing is forwarded anywhere.
    const before = (await rest(node, 'GET', `/api/v1/messages/${other.id}`, undefined, alice.token)).body.messages.length;
    const refused = await rest(node, 'POST', '/api/v1/messages/forward',
      { messageId: source.id, targetRoomIds: [other.id, lonely.id] }, bob.token);
    assert.equal(refused.status, 403);
    assert.equal((await rest(node, 'GET', `/api/v1/messages/${other.id}`, undefined, alice.token)).body.messages.length, before);
    // Not a member of the source.
    assert.equal((await rest(node, 'POST', '/api/v1/messages/forward',
      { messageId: source.id, targetRoomIds: [lonely.id] }, mallory.token)).status, 403);
    for (const body of [{}, { messageId: source.id, targetRoomIds: [] }, { messageId: source.id, targetRoomIds: 'x' },
      { messageId: source.id, targetRoomIds: Array.from({ length: 11 }, (_, i) => i + 1) }])
      assert.equal((await rest(node, 'POST', '/api/v1/messages/forward', body, bob.token)).status, 400, JSON.stringify(body));
    const unknown = await rest(node, 'POST', '/api/v1/messages/forward',
      { messageId: '00000000-0000-0000-0000-000000000000', targetRoomIds: [other.id] }, bob.token);
    assert.equal(unknown.status, 404);
    // A forward with a tempId is idempotent per target.
    const again = { messageId: source.id, targetRoomIds: [other.id], tempId: 'fwd-1' };
    const once = await rest(node, 'POST', '/api/v1/messages/forward', again, bob.token);
    const twice = await rest(node, 'POST', '/api/v1/messages/forward', again, bob.token);
    assert.equal(once.status, 201);
    assert.equal(twice.status, 201);
    assert.equal(once.body[0].id, twice.body[0].id);
  });

  it('bookmarks: per user, newest first, with search and a room filter', async () => {
    const a = await send(alice, room.id, 'the quarterly report is ready');
    const b = await send(alice, other.id, 'lunch at noon');
    const c = await send(bob, room.id, 'report draft two');
    for (const m of [a, b, c]) {
      const added = await rest(node, 'POST', '/api/v1/messages/bookmark', { messageId: m.id }, bob.token);
      assert.equal(added.status, 200);
      assert.deepEqual(added.body, { messageId: m.id, bookmarked: true });
    }
    assert.equal((await rest(node, 'POST', '/api/v1/messages/bookmark', { messageId: a.id }, bob.token)).status, 200, 'idempotent');
    assert.equal((await rest(node, 'POST', '/api/v1/messages/bookmark', { messageId: a.id }, mallory.token)).status, 403);
    assert.equal((await rest(node, 'POST', '/api/v1/messages/bookmark', {}, bob.token)).status, 400);
    const all = await rest(node, 'GET', '/api/v1/messages/bookmarks', undefined, bob.token);
    assert.deepEqual(all.body.map(m => m.id), [c.id, b.id, a.id]);
    const inRoom = await rest(node, 'GET', `/api/v1/messages/bookmarks?roomId=${room.id}`, undefined, bob.token);
    assert.deepEqual(inRoom.body.map(m => m.id), [c.id, a.id]);
    const found = await rest(node, 'GET', '/api/v1/messages/bookmarks?q=report', undefined, bob.token);
    assert.deepEqual(found.body.map(m => m.id), [c.id, a.id]);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/messages/bookmarks', undefined, alice.token)).body, [], 'per user');
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/bookmark/${b.id}`, undefined, bob.token)).status, 204);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/messages/bookmarks', undefined, bob.token)).body.map(m => m.id), [c.id, a.id]);
  });

  it('search: full text over the caller\'s rooms, newest first, with a room filter', async () => {
    const m1 = await send(alice, room.id, 'Deploying the new cluster tonight');
    const m2 = await send(alice, other.id, 'the clusters were deployed');
    await send(mallory, lonely.id, 'cluster secrets of mallory');
    const found = await rest(node, 'GET', '/api/v1/messages/search?q=cluster%20deploy', undefined, bob.token);
    assert.equal(found.status, 200);
    assert.deepEqual(found.body.map(m => m.id), [m2.id, m1.id], 'stemmed words, both rooms, newest first');
    const filtered = await rest(node, 'GET', `/api/v1/messages/search?q=cluster&roomId=${room.id}`, undefined, bob.token);
    assert.deepEqual(filtered.body.map(m => m.id), [m1.id]);
    assert.equal((await rest(node, 'GET', `/api/v1/messages/search?q=cluster&roomId=${lonely.id}`, undefined, bob.token)).status, 403);
    assert.equal((await rest(node, 'GET', '/api/v1/messages/search', undefined, bob.token)).status, 400);
    assert.equal((await rest(node, 'GET', `/api/v1/messages/search?q=${'x'.repeat(300)}`, undefined, bob.token)).status, 400);
    // Operators in the words are words, never an error.
    assert.equal((await rest(node, 'GET', '/api/v1/messages/search?q=%27%22%29%28%21%26%7C', undefined, bob.token)).status, 200);
  });

  it('read receipts: /topic/read/{roomId} and each participant\'s readSeq', async () => {
    const topic = `/topic/read/${room.id}`;
    await aliceClient.subscribe(topic);
    const last = await send(alice, room.id, 'read me');
    bobClient.send('/app/read', { roomId: room.id, seq: last.seq - 1 });
    await waitFor(() => aliceClient.inbox(topic).some(r => r.userId === bob.id && r.readSeq === last.seq - 1), 'receipt');
    assert.equal((await rest(node, 'POST', '/api/v1/messages/mark-read', { roomId: room.id }, bob.token)).status, 204);
    await waitFor(() => aliceClient.inbox(topic).some(r => r.userId === bob.id && r.readSeq === last.seq), 'receipt of mark-read');
    const receipts = aliceClient.inbox(topic).filter(r => r.userId === bob.id).map(r => r.readSeq);
    assert.deepEqual(receipts, [...receipts].sort((a, b) => a - b), 'read positions only move forward');
    const participants = await rest(node, 'GET', `/api/v1/chatrooms/${room.id}/participants`, undefined, alice.token);
    assert.equal(participants.status, 200, JSON.stringify(participants.body));
    const bobRow = participants.body.find(p => p.id === bob.id);
    assert.equal(bobRow.readSeq, last.seq);
    assert.equal(bobRow.role, 'MEMBER');
    assert.equal(participants.body.find(p => p.id === alice.id).role, 'OWNER');
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}/participants`, undefined, mallory.token)).status, 403);
  });
});
