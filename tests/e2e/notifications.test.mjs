// chat-streamer end to end: messages with mentions sent through chatd reach chat-streamer
// through Kafka; its per-room counts are exact, and the mentioned user's live session gets one
// notification per mention on /user/queue/notifications, which REST lists too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  newUser, rest, sleep, startChatd, startStreamer, stompClient, streamerDsn, waitFor,
} from './lib/harness.mjs';

describe('mention notifications through chat-streamer', () => {
  let node;
  let streamer;
  let alice;
  let bob;
  let room;

  before(async () => {
    const dsn = streamerDsn();
    node = await startChatd([`--db.streamer-dsn=${dsn}`]);
    streamer = await startStreamer(node, dsn);
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'mentions', type: 'GROUP', participantIds: [bob.id] }, alice.token)).body;
  });

  after(async () => {
    await streamer?.stop();
    await node?.stop();
  });

  it('counts every message and mention once and notifies the live session', async () => {
    const bobClient = await stompClient(node, bob.token);
    await bobClient.subscribe('/user/queue/notifications');
    const aliceClient = await stompClient(node, alice.token);
    const status = `/topic/message/status/${room.id}`;
    await aliceClient.subscribe(status);
    await aliceClient.subscribe('/user/queue/notifications');
    const mentioned = new Set();
    for (let i = 0; i < 30; ++i) {
      const mentions = i % 3 === 0 ? [bob.id] : [];
      aliceClient.send('/app/chat', { roomId: room.id, content: `hello ${i}`, tempId: `n${i}`, mentions });
    }
    const saved = () => aliceClient.inbox(status).filter(s => s.status === 'SAVED');
    await waitFor(() => saved().length === 30, 'every message saved');
    for (const s of saved())
      if (Number(s.tempId.slice(1)) % 3 === 0) mentioned.add(s.persistedId);
    // Re-sent tempIds are the same messages: nothing more to count or notify.
    for (let i = 0; i < 6; ++i)
      aliceClient.send('/app/chat', { roomId: room.id, content: `hello ${i}`, tempId: `n${i}`, mentions: [bob.id] });

    const inbox = () => bobClient.inbox('/user/queue/notifications');
    await waitFor(() => inbox().length >= 10, 'bob to be notified', 20000);
    await waitFor(() => streamer.value(`SELECT messages FROM room_metrics WHERE room_id = ${room.id}`) === '30',
      'the streamer to count 30 messages', 20000);
    await sleep(500); // anything extra would have arrived by now
    assert.equal(inbox().length, 10);
    assert.deepEqual(new Set(inbox().map(n => n.messageId)), mentioned);
    for (const n of inbox()) {
      assert.equal(n.userId, bob.id);
      assert.equal(n.roomId, room.id);
      assert.equal(n.senderId, alice.id);
      assert.ok(n.id > 0 && !Number.isNaN(Date.parse(n.createdAt)));
    }
    assert.equal(aliceClient.inbox('/user/queue/notifications').length, 0);
    assert.equal(streamer.value(`SELECT mentions FROM room_metrics WHERE room_id = ${room.id}`), '10');
    // 30 MessageSent, 10 MessageMentioned and the creation's two MemberJoined.
    assert.equal(streamer.value(`SELECT count(*) FROM event_handled WHERE room_id = ${room.id}`), '42');
    assert.equal(streamer.value(`SELECT members FROM room_metrics WHERE room_id = ${room.id}`), '2');

    const listed = await rest(node, 'GET', '/api/v1/notifications?limit=200', undefined, bob.token);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.length, 10);
    assert.deepEqual(new Set(listed.body.map(n => n.messageId)), mentioned);
    const none = await rest(node, 'GET', '/api/v1/notifications', undefined, alice.token);
    assert.deepEqual(none.body, []);
    assert.equal((await rest(node, 'GET', '/api/v1/notifications?limit=0', undefined, bob.token)).status, 400);
    assert.equal((await rest(node, 'GET', '/api/v1/notifications')).status, 401);
    await bobClient.close();
    await aliceClient.close();
  });
});
