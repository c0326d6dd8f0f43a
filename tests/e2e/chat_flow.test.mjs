// Two users, one room, 200 messages through a real chatd (private PostgreSQL, embedded
// Kafka): ordering, exactly-once delivery, statuses, history, Kafka events, since-seq replay,
// idempotent retries.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { metric, newUser, readEvents, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

const count = 200;

describe('chat flow', () => {
  let node;
  let alice;
  let bob;
  let room;
  let aliceClient;
  let bobClient;

  before(async () => {
    // One client sends 200 messages at once: lift the per-user rate limit for this node.
    node = await startChatd(['--gateway.send-rate=1000', '--gateway.send-burst=1000',
      '--room.typing-timeout=1s']);
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
  });

  after(async () => {
    await aliceClient?.close();
    await bobClient?.close();
    await node?.stop();
  });

  it('signs up, logs in and creates a room with both users', async () => {
    const me = await rest(node, 'GET', '/api/v1/users/me', undefined, alice.token);
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { id: alice.id, username: alice.username, nickname: alice.username });
    const created = await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'e2e room', type: 'GROUP', participantIds: [bob.id] }, alice.token);
    assert.equal(created.status, 201);
    room = created.body;
    assert.equal(room.title, 'e2e room');
    assert.deepEqual(room.participants.map(p => p.id).sort(), [alice.id, bob.id].sort());
    assert.equal(room.lastSeq, 0);
    assert.equal(room.lastMessage, null);
    const listed = await rest(node, 'GET', '/api/v1/chatrooms', undefined, bob.token);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.map(r => r.id), [room.id]);
  });

  it('delivers 200 messages to both members in seq order exactly once', async () => {
    aliceClient = await stompClient(node, alice.token);
    bobClient = await stompClient(node, bob.token);
    const messages = `/topic/messages/${room.id}`;
    const statuses = `/topic/message/status/${room.id}`;
    await aliceClient.subscribe(messages);
    await aliceClient.subscribe(statuses);
    await aliceClient.subscribe('/user/queue/errors');
    await bobClient.subscribe(messages);
    await bobClient.subscribe('/user/queue/room-updates');
    for (let i = 1; i <= count; ++i)
      aliceClient.send('/app/chat', { roomId: room.id, content: `message ${i}`, tempId: `temp-${i}` });
    for (const client of [aliceClient, bobClient])
      await waitFor(() => client.inbox(messages).length >= count, `${count} messages`, 30000);
    for (const client of [aliceClient, bobClient]) {
      const got = client.inbox(messages);
      assert.equal(got.length, count, 'each message exactly once');
      assert.deepEqual(got.map(m => m.seq), Array.from({ length: count }, (_, i) => i + 1));
      assert.deepEqual(new Set(got.map(m => m.tempId)).size, count);
      for (const m of got) {
        assert.equal(m.roomId, room.id);
        assert.equal(m.senderId, alice.id);
        assert.equal(m.type, 'TEXT');
        assert.match(m.id, /^[0-9a-f-]{36}$/);
        assert.ok(!Number.isNaN(Date.parse(m.createdAt)));
      }
    }
    await waitFor(() => aliceClient.inbox(statuses).filter(s => s.status === 'SAVED').length >= count,
      'SAVED for each message');
    const saved = aliceClient.inbox(statuses).filter(s => s.status === 'SAVED');
    assert.equal(saved.length, count);
    const bySeq = new Map(aliceClient.inbox(messages).map(m => [m.tempId, m]));
    for (const s of saved) {
      assert.equal(s.persistedId, bySeq.get(s.tempId).id);
      assert.equal(s.seq, bySeq.get(s.tempId).seq);
    }
    // Every message went SENDING -> PROCESSING -> SAVED.
    for (const kind of ['SENDING', 'PROCESSING'])
      assert.equal(aliceClient.inbox(statuses).filter(s => s.status === kind).length, count);
    assert.deepEqual(aliceClient.inbox('/user/queue/errors'), []);
    // Bob's room list learned about the new messages, unread counted.
    await waitFor(() => bobClient.inbox('/user/queue/room-updates').some(u => u.lastMessage?.seq === count),
      'the room update of the last message');
    const update = bobClient.inbox('/user/queue/room-updates').find(u => u.lastMessage?.seq === count);
    assert.equal(update.roomId, room.id);
    assert.equal(update.unreadCount, count);
  });

  it('returns seq 1..200 from the history endpoint', async () => {
    const page = await rest(node, 'GET', `/api/v1/messages/${room.id}?limit=200`, undefined, bob.token);
    assert.equal(page.status, 200);
    assert.equal(page.body.hasMore, false);
    assert.deepEqual(page.body.messages.map(m => m.seq), Array.from({ length: count }, (_, i) => i + 1));
    const tail = await rest(node, 'GET', `/api/v1/messages/${room.id}?afterSeq=190&limit=5`, undefined, bob.token);
    assert.deepEqual(tail.body.messages.map(m => m.seq), [191, 192, 193, 194, 195]);
    assert.equal(tail.body.hasMore, true);
    const newest = await rest(node, 'GET', `/api/v1/messages/${room.id}?beforeSeq=11&limit=3`, undefined, bob.token);
    assert.deepEqual(newest.body.messages.map(m => m.seq), [8, 9, 10]);
  });

  it('publishes 200 MessageSent events with key, headers and the contract JSON', async () => {
    let events = [];
    await waitFor(() => {
      events = readEvents(node).filter(e => e.value.eventType === 'MessageSent');
      return events.length >= count;
    }, 'the events in Kafka', 30000);
    assert.equal(events.length, count);
    assert.equal(new Set(events.map(e => e.headers.eventId)).size, count);
    const versions = [];
    for (const e of events) {
      assert.equal(e.key, String(room.id));
      assert.equal(e.headers.eventType, 'MessageSent');
      assert.equal(e.headers.eventId, e.value.eventId);
      assert.equal(e.headers.version, String(e.value.version));
      assert.equal(e.value.roomId, room.id);
      assert.equal(e.value.payload.roomId, room.id);
      versions.push(e.value.version);
    }
    // One key, one partition: the room's events arrive in version order.
    for (let i = 1; i < versions.length; ++i)
      assert.ok(versions[i] > versions[i - 1], 'versions strictly increase');
    assert.deepEqual(events.map(e => e.value.payload.seq).sort((a, b) => a - b),
      Array.from({ length: count }, (_, i) => i + 1));
  });

  it('replays from since-seq, then continues live, with no gap and no duplicate', async () => {
    const late = await stompClient(node, bob.token);
    const messages = `/topic/messages/${room.id}`;
    await late.subscribe(messages, { 'since-seq': '150' });
    for (let i = count + 1; i <= count + 5; ++i)
      aliceClient.send('/app/chat', { roomId: room.id, content: `message ${i}`, tempId: `temp-${i}` });
    await waitFor(() => late.inbox(messages).length >= 55, 'replay and live messages');
    await late.close();
    assert.deepEqual(late.inbox(messages).map(m => m.seq), Array.from({ length: 55 }, (_, i) => 151 + i));
  });

  it('answers a re-sent tempId with the saved message and stores nothing new', async () => {
    const statuses = `/topic/message/status/${room.id}`;
    const before = aliceClient.inbox(statuses).length;
    aliceClient.send('/app/chat', { roomId: room.id, content: 'message 7', tempId: 'temp-7' });
    await waitFor(() => aliceClient.inbox(statuses).slice(before).some(s => s.tempId === 'temp-7' && s.status === 'SAVED'),
      'the answer to the retry');
    // Statuses of the previous test's messages may still arrive after `before`.
    const answer = aliceClient.inbox(statuses).slice(before).find(s => s.tempId === 'temp-7' && s.status === 'SAVED');
    const original = aliceClient.inbox(`/topic/messages/${room.id}`).find(m => m.tempId === 'temp-7');
    assert.equal(answer.persistedId, original.id);
    assert.equal(answer.seq, 7);
    const all = await rest(node, 'GET', `/api/v1/messages/${room.id}?afterSeq=200&limit=200`, undefined, alice.token);
    assert.deepEqual(all.body.messages.map(m => m.seq), [201, 202, 203, 204, 205]);
    // The next new message continues the sequence: the retry used no seq.
    aliceClient.send('/app/chat', { roomId: room.id, content: 'after the retry', tempId: 'temp-next' });
    await waitFor(() => aliceClient.inbox(`/topic/messages/${room.id}`).some(m => m.tempId === 'temp-next'), 'the next message');
    assert.equal(aliceClient.inbox(`/topic/messages/${room.id}`).find(m => m.tempId === 'temp-next').seq, 206);
  });

  it('moves read positions and reports unread counts', async () => {
    const before = await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, bob.token);
    assert.equal(before.body.unreadCount, 206);
    const read = await rest(node, 'POST', '/api/v1/messages/mark-read', { roomId: room.id, seq: 200 }, bob.token);
    assert.equal(read.status, 204);
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, bob.token)).body.unreadCount, 6);
    bobClient.send('/app/read-all', { roomId: room.id });
    await waitFor(async () => (await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, bob.token)).body.unreadCount === 0,
      'read-all');
    await waitFor(() => bobClient.inbox('/user/queue/room-updates').some(u => u.unreadCount === 0), 'the zero unread update');
  });

  it('answers /app/sync on /user/queue/sync', async () => {
    bobClient.inbox('/user/queue/sync').length = 0;
    await bobClient.subscribe('/user/queue/sync');
    bobClient.send('/app/sync', { roomId: room.id, afterSeq: 200, limit: 3 });
    await waitFor(() => bobClient.inbox('/user/queue/sync').length === 1, 'the sync answer');
    const answer = bobClient.inbox('/user/queue/sync')[0];
    assert.equal(answer.roomId, room.id);
    assert.deepEqual(answer.messages.map(m => m.seq), [201, 202, 203]);
    assert.equal(answer.hasMore, true);
  });

  it('relays typing; a stop is never dropped and a start without news ends by itself', async () => {
    await bobClient.subscribe(`/topic/typing/${room.id}`);
    const typing = () => bobClient.inbox(`/topic/typing/${room.id}`);
    aliceClient.send('/app/typing', { roomId: room.id, isTyping: true });
    // Within the throttle window of the start: the stop still goes through.
    aliceClient.send('/app/typing', { roomId: room.id, isTyping: false });
    await waitFor(() => typing().length === 2, 'the start and the stop');
    assert.deepEqual(typing(), [
      { roomId: room.id, userId: alice.id, isTyping: true },
      { roomId: room.id, userId: alice.id, isTyping: false },
    ]);
    await sleep(400); // past the throttle window
    aliceClient.send('/app/typing', { roomId: room.id, isTyping: true });
    // No stop: the room ends the indicator after room.typing-timeout (1 s on this node).
    await waitFor(() => typing().length === 4, 'the indicator to end', 5000);
    assert.deepEqual(typing().slice(2).map(t => t.isTyping), [true, false]);
  });

  it('shows presence per user: a user with two sessions is present until both close', async () => {
    await bobClient.subscribe(`/topic/active/${room.id}`);
    const dave = await newUser(node, 'dave');
    assert.equal((await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/participants`,
      { userIds: [dave.id] }, alice.token)).status, 200);
    const events = () => bobClient.inbox(`/topic/active/${room.id}`).filter(p => p.userId === dave.id);
    const present = await metric(node, 'chat_presence_sessions');
    const first = await stompClient(node, dave.token);
    const second = await stompClient(node, dave.token);
    await waitFor(async () => await metric(node, 'chat_presence_sessions') === present + 2,
      'the room to count both sessions');
    assert.deepEqual(events().map(p => p.active), [true], 'one event for two sessions');
    await first.close();
    await sleep(500);
    assert.deepEqual(events().map(p => p.active), [true], 'one of two sessions closed: still present');
    await second.close();
    await waitFor(() => events().some(p => !p.active), 'dave gone');
    assert.deepEqual(events().map(p => p.active), [true, false]);
    const gone = events().find(p => !p.active);
    assert.equal(gone.roomId, room.id);
    assert.ok(!Number.isNaN(Date.parse(gone.lastSeenAt)));
  });

  it('pushes the room to a user created into it', async () => {
    await bobClient.subscribe('/user/queue/room-updates');
    const created = await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'second room', type: 'GROUP', participantIds: [bob.id] }, alice.token);
    assert.equal(created.status, 201);
    await waitFor(() => bobClient.inbox('/user/queue/room-updates').some(u => u.roomId === created.body.id),
      'the new room on bob\'s queue');
    const update = bobClient.inbox('/user/queue/room-updates').find(u => u.roomId === created.body.id);
    assert.equal(update.reason, 'CREATED');
    assert.equal(update.room.id, created.body.id);
    assert.equal(update.room.title, 'second room');
    assert.deepEqual(update.room.participants.map(p => p.id).sort(), [alice.id, bob.id].sort());
  });

  it('answers a tempId reused in another room FAILED TEMP_ID_REUSED and stores nothing there', async () => {
    const other = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'third room', type: 'GROUP', participantIds: [bob.id] }, alice.token)).body;
    const statuses = `/topic/message/status/${other.id}`;
    await aliceClient.subscribe(statuses);
    // temp-1 is a message of the first room.
    aliceClient.send('/app/chat', { roomId: other.id, content: 'message 1', tempId: 'temp-1' });
    await waitFor(() => aliceClient.inbox(statuses).some(s => s.status === 'SAVED' || s.status === 'FAILED'),
      'the answer');
    const answer = aliceClient.inbox(statuses).find(s => s.status === 'SAVED' || s.status === 'FAILED');
    assert.equal(answer.status, 'FAILED');
    assert.equal(answer.errorCode, 'TEMP_ID_REUSED');
    const history = await rest(node, 'GET', `/api/v1/messages/${other.id}`, undefined, bob.token);
    assert.deepEqual(history.body.messages, []);
    // The same tempId in the same room with other content is reused too.
    aliceClient.send('/app/chat', { roomId: room.id, content: 'not message 1', tempId: 'temp-1' });
    await waitFor(() => aliceClient.inbox('/user/queue/errors').some(e => e.code === 'TEMP_ID_REUSED' && e.tempId === 'temp-1'),
      'the reuse in the same room');
    const first = await rest(node, 'GET', `/api/v1/messages/${room.id}?afterSeq=0&limit=1`, undefined, bob.token);
    assert.equal(first.body.messages[0].content, 'message 1');
    // The failed message's seq is a gap: it never counts as unread.
    aliceClient.send('/app/chat', { roomId: other.id, content: 'a real one', tempId: 'third-1' });
    await waitFor(() => aliceClient.inbox(statuses).some(s => s.tempId === 'third-1' && s.status === 'SAVED'),
      'the next message saved');
    const rooms = (await rest(node, 'GET', '/api/v1/chatrooms', undefined, bob.token)).body;
    const third = rooms.find(r => r.id === other.id);
    assert.equal(third.lastSeq, 2);
    assert.equal(third.unreadCount, 1);
    await waitFor(() => bobClient.inbox('/user/queue/room-updates').some(u => u.roomId === other.id && u.unreadCount === 1),
      'the room update with one unread message');
    assert.ok(!bobClient.inbox('/user/queue/room-updates').some(u => u.roomId === other.id && u.unreadCount === 2));
  });

  it('adds and removes participants, who then can or cannot send', async () => {
    const carol = await newUser(node, 'carol');
    const carolClient = await stompClient(node, carol.token);
    await carolClient.subscribe('/user/queue/room-updates');
    await carolClient.subscribe('/user/queue/errors');
    const added = await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/participants`, { userIds: [carol.id] }, alice.token);
    assert.equal(added.status, 200);
    assert.ok(added.body.participants.some(p => p.id === carol.id));
    // The room appears in her list at once.
    await waitFor(() => carolClient.inbox('/user/queue/room-updates').some(u => u.roomId === room.id && u.room),
      'the room on carol\'s queue');
    const joined = carolClient.inbox('/user/queue/room-updates').find(u => u.roomId === room.id && u.room);
    assert.equal(joined.reason, 'MEMBERS_ADDED');
    assert.ok(joined.room.participants.some(p => p.id === carol.id));
    await carolClient.subscribe(`/topic/messages/${room.id}`);
    await carolClient.subscribe(`/topic/message/status/${room.id}`);
    carolClient.send('/app/chat', { roomId: room.id, content: 'hi all', tempId: 'carol-1' });
    await waitFor(() => carolClient.inbox(`/topic/message/status/${room.id}`).some(s => s.status === 'SAVED'), 'carol saved');
    const removed = await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}/participants/${carol.id}`, undefined, alice.token);
    assert.equal(removed.status, 204);
    await waitFor(() => carolClient.inbox('/user/queue/room-updates').some(u => u.roomId === room.id && u.room === null),
      'the removal on carol\'s queue');
    assert.equal(carolClient.inbox('/user/queue/room-updates').find(u => u.room === null).reason, 'MEMBER_REMOVED');
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, carol.token)).status, 403);
    carolClient.send('/app/chat', { roomId: room.id, content: 'still here?', tempId: 'carol-2' });
    await waitFor(() => carolClient.inbox('/user/queue/errors').some(e => e.code === 'NOT_MEMBER'), 'carol refused');
    // Her subscription ended with her membership: later messages do not reach her.
    const seen = carolClient.inbox(`/topic/messages/${room.id}`).length;
    aliceClient.send('/app/chat', { roomId: room.id, content: 'carol is gone', tempId: 'after-carol' });
    await waitFor(() => aliceClient.inbox(`/topic/messages/${room.id}`).some(m => m.tempId === 'after-carol'), 'the message');
    await new Promise(resolve => setTimeout(resolve, 200));
    assert.equal(carolClient.inbox(`/topic/messages/${room.id}`).length, seen);
    await carolClient.close();
  });

  it('a SEND after a SUBSCRIBE takes effect after it: the sender receives its own messages', async () => {
    const client = await stompClient(node, bob.token);
    const got = [];
    // No waiting for the receipt: the frames go out back to back.
    client.client.subscribe(`/topic/messages/${room.id}`, msg => got.push(JSON.parse(msg.body).content));
    for (let i = 0; i < 20; ++i)
      client.send('/app/chat', { roomId: room.id, content: `right away ${i}`, tempId: `right-away-${i}` });
    await waitFor(() => got.length === 20, 'all 20 messages back');
    assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => `right away ${i}`));
    await client.close();
  });
});
