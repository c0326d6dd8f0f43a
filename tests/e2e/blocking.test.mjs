// Blocking in a GROUP room through a real chatd: each of the two stops receiving the other's
// messages, live, in since-seq replays, on /app/sync and in REST history, as placeholders
// {roomId, seq, hidden: true} so that the shared seq shows no gap; others see everything; the
// changes of a hidden message do not reach them either; unblocking shows everything again; room
// lists (the last message, the pins) show the hidden sender's messages as placeholders.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { newUser, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

describe('blocking in GROUP rooms', () => {
  let node;
  let alice;
  let bob;
  let carol;
  let room;
  const clients = [];

  const connect = async user => {
    const client = await stompClient(node, user.token);
    clients.push(client);
    await client.subscribe(`/topic/messages/${room.id}`);
    await client.subscribe(`/topic/message/updates/${room.id}`);
    await client.subscribe('/user/queue/sync');
    return client;
  };
  const send = async (user, content) => {
    const sent = await rest(node, 'POST', '/api/v1/messages', { roomId: room.id, content, tempId: 't' + Math.random() }, user.token);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    return sent.body;
  };
  const live = client => client.inbox(`/topic/messages/${room.id}`);
  const history = async user => (await rest(node, 'GET', `/api/v1/messages/${room.id}?limit=200`, undefined, user.token)).body.messages;
  // What a reader sees per seq: the content, or '-' for a placeholder.
  const view = messages => messages.map(m => (m.hidden ? `${m.seq}:-` : `${m.seq}:${m.content}`));

  before(async () => {
    node = await startChatd(['--gateway.send-rate=1000', '--gateway.send-burst=1000']);
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    carol = await newUser(node, 'carol');
    room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'blocks', type: 'GROUP', participantIds: [bob.id, carol.id] }, alice.token)).body;
  });

  after(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
  });

  it('hides the other\'s messages both ways, live and in every history, without a gap', async () => {
    await send(bob, 'before the block');
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', { targetUserId: bob.id }, alice.token)).status, 204);
    const aliceClient = await connect(alice);
    const bobClient = await connect(bob);
    const carolClient = await connect(carol);
    const fromBob = await send(bob, 'bob speaks');
    await send(carol, 'carol speaks');
    await send(alice, 'alice speaks');
    for (const client of [aliceClient, bobClient, carolClient])
      await waitFor(() => live(client).length === 3, 'three live deliveries');
    assert.deepEqual(view(live(aliceClient)), ['2:-', '3:carol speaks', '4:alice speaks']);
    assert.deepEqual(view(live(bobClient)), ['2:bob speaks', '3:carol speaks', '4:-']);
    assert.deepEqual(view(live(carolClient)), ['2:bob speaks', '3:carol speaks', '4:alice speaks']);
    const placeholder = live(aliceClient)[0];
    assert.deepEqual(placeholder, { roomId: room.id, seq: 2, hidden: true });

    // REST history, /app/sync and a since-seq replay hide the same messages.
    assert.deepEqual(view(await history(alice)), ['1:-', '2:-', '3:carol speaks', '4:alice speaks']);
    assert.deepEqual(view(await history(bob)), ['1:before the block', '2:bob speaks', '3:carol speaks', '4:-']);
    assert.deepEqual(view(await history(carol)), ['1:before the block', '2:bob speaks', '3:carol speaks', '4:alice speaks']);
    aliceClient.send('/app/sync', { roomId: room.id, afterSeq: 0 });
    await waitFor(() => aliceClient.inbox('/user/queue/sync').length === 1, 'the sync answer');
    assert.deepEqual(view(aliceClient.inbox('/user/queue/sync')[0].messages), ['1:-', '2:-', '3:carol speaks', '4:alice speaks']);
    const replaying = await stompClient(node, alice.token);
    clients.push(replaying);
    await replaying.subscribe(`/topic/messages/${room.id}`, { 'since-seq': '0' });
    await waitFor(() => live(replaying).length === 4, 'the replay');
    assert.deepEqual(view(live(replaying)), ['1:-', '2:-', '3:carol speaks', '4:alice speaks']);

    // A change of a hidden message does not reach the reader it is hidden from.
    const edited = await rest(node, 'PUT', `/api/v1/messages/${fromBob.id}`, { content: 'bob edits' }, bob.token);
    assert.equal(edited.status, 200);
    const updates = client => client.inbox(`/topic/message/updates/${room.id}`);
    await waitFor(() => updates(carolClient).length === 1 && updates(bobClient).length === 1, 'the edit shown');
    await sleep(300);
    assert.equal(updates(aliceClient).length, 0);
  });

  it('unblocking shows everything again, live and in history', async () => {
    assert.equal((await rest(node, 'DELETE', `/api/v1/users/block/${bob.id}`, undefined, alice.token)).status, 204);
    const aliceClient = clients[0];
    await sleep(300); // the sessions re-read whom to hide
    await send(bob, 'bob again');
    await waitFor(() => live(aliceClient).length === 4, 'the new message');
    assert.deepEqual(view(live(aliceClient)).at(-1), '5:bob again');
    assert.deepEqual(view(await history(alice)), ['1:before the block', '2:bob edits', '3:carol speaks', '4:alice speaks', '5:bob again']);
  });

  it('room lists show a hidden sender\'s last message and pins as placeholders', async () => {
    const [aliceClient, , carolClient] = clients;
    await aliceClient.subscribe('/user/queue/room-updates');
    await carolClient.subscribe('/user/queue/room-updates');
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', { targetUserId: bob.id }, alice.token)).status, 204);
    await sleep(300); // the sessions re-read whom to hide
    const last = await send(bob, 'bob is last');
    const messageUpdates = client => client.inbox('/user/queue/room-updates').filter(u => u.roomId === room.id && u.lastMessage);
    await waitFor(() => messageUpdates(aliceClient).length === 1 && messageUpdates(carolClient).length === 1, 'room updates');
    assert.deepEqual(messageUpdates(aliceClient)[0].lastMessage, { roomId: room.id, seq: last.seq, hidden: true });
    assert.equal(messageUpdates(carolClient)[0].lastMessage.content, 'bob is last');
    const listed = async user => (await rest(node, 'GET', '/api/v1/chatrooms', undefined, user.token)).body.find(r => r.id === room.id);
    assert.deepEqual((await listed(alice)).lastMessage, { roomId: room.id, seq: last.seq, hidden: true });
    assert.equal((await listed(carol)).lastMessage.content, 'bob is last');
    assert.equal((await listed(bob)).lastMessage.content, 'bob is last');

    // A pinned message of the hidden sender is a placeholder in the room too.
    assert.equal((await rest(node, 'POST', '/api/v1/messages/pin', { messageId: last.id, roomId: room.id }, alice.token)).status, 200);
    const pinned = async user => (await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, user.token)).body.pinned;
    assert.deepEqual((await pinned(alice)).map(p => p.message), [{ roomId: room.id, seq: last.seq, hidden: true }]);
    assert.equal((await pinned(carol))[0].message.content, 'bob is last');
    const pinUpdate = client => client.inbox('/user/queue/room-updates').find(u => u.roomId === room.id && u.reason === 'PINS_CHANGED');
    await waitFor(() => pinUpdate(aliceClient) && pinUpdate(carolClient), 'the pin reaches the room lists');
    assert.deepEqual(pinUpdate(aliceClient).room.pinned[0].message, { roomId: room.id, seq: last.seq, hidden: true });
    assert.deepEqual(pinUpdate(aliceClient).room.lastMessage, { roomId: room.id, seq: last.seq, hidden: true });
    assert.equal(pinUpdate(carolClient).room.pinned[0].message.content, 'bob is last');
  });
});
