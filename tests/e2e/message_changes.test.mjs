// Edits, deletes, reactions and pins of existing messages through a real chatd, over REST and
// STOMP: the permission rules, bad input, /topic/message/updates/{roomId} in version order,
// history showing the current state, and the Kafka events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { chatctl, newUser, readEvents, rest, sleep, sqlValue, startChatd, stompClient, waitFor } from './lib/harness.mjs';

describe('message changes', () => {
  let node;
  let alice; // OWNER
  let bob; // MEMBER
  let carol; // ADMIN
  let mallory; // not a member
  let room;
  let aliceClient;
  let bobClient;

  const send = async (user, content) => {
    const sent = await rest(node, 'POST', '/api/v1/messages',
      { roomId: room.id, content, tempId: 't' + Math.random() }, user.token);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    return sent.body;
  };
  const detail = async (id, user = alice) => (await rest(node, 'GET', `/api/v1/messages/${id}`, undefined, user.token));

  before(async () => {
    node = await startChatd(['--gateway.send-rate=1000', '--gateway.send-burst=1000']);
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    carol = await newUser(node, 'carol');
    mallory = await newUser(node, 'mallory');
    room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'changes', type: 'GROUP', participantIds: [bob.id, carol.id] }, alice.token)).body;
    const promoted = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${carol.id}/role`,
      { role: 'ADMIN' }, alice.token);
    assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
    aliceClient = await stompClient(node, alice.token);
    bobClient = await stompClient(node, bob.token);
    await aliceClient.subscribe(`/topic/message/updates/${room.id}`);
    await bobClient.subscribe('/user/queue/errors');
    await bobClient.subscribe('/user/queue/room-updates');
  });

  after(async () => {
    await aliceClient?.close();
    await bobClient?.close();
    await node?.stop();
  });

  it('POST /messages answers the saved message; GET /messages/{id} reads it for members only', async () => {
    const msg = await send(alice, 'hello');
    assert.match(msg.id, /^[0-9a-f-]{36}$/);
    assert.equal(msg.content, 'hello');
    assert.equal(msg.seq, 1);
    assert.equal(msg.roomId, room.id);
    const read = await detail(msg.id, bob);
    assert.equal(read.status, 200);
    assert.equal(read.body.content, 'hello');
    assert.deepEqual(read.body.reactions, []);
    assert.equal(read.body.deleted, false);
    assert.equal((await detail(msg.id, mallory)).status, 403);
    assert.equal((await detail('00000000-0000-0000-0000-000000000000')).status, 404);
    assert.equal((await detail('not-a-message')).status, 404);
    assert.equal((await detail('x'.repeat(65))).status, 400);
  });

  it('only the sender edits; the edit reaches history, detail and the updates topic', async () => {
    const msg = await send(bob, 'first words');
    const edited = await rest(node, 'PUT', `/api/v1/messages/${msg.id}`, { content: 'better words' }, bob.token);
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.content, 'better words');
    assert.ok(!Number.isNaN(Date.parse(edited.body.editedAt)));
    assert.ok(edited.body.version > msg.version);
    for (const other of [alice, carol]) {
      const refused = await rest(node, 'PUT', `/api/v1/messages/${msg.id}`, { content: 'hijack' }, other.token);
      assert.equal(refused.status, 403);
    }
    assert.equal((await rest(node, 'PUT', `/api/v1/messages/${msg.id}`, { content: 'x' }, mallory.token)).status, 403);
    assert.equal((await rest(node, 'PUT', `/api/v1/messages/${msg.id}`, { content: '' }, bob.token)).status, 400);
    assert.equal((await rest(node, 'PUT', `/api/v1/messages/${msg.id}`, { content: 'x'.repeat(9000) }, bob.token)).status, 400);
    assert.equal((await rest(node, 'PUT', `/api/v1/messages/${msg.id}`, { text: 'x' }, bob.token)).status, 400);
    const history = await rest(node, 'GET', `/api/v1/messages/${room.id}`, undefined, alice.token);
    const inHistory = history.body.messages.find(m => m.id === msg.id);
    assert.equal(inHistory.content, 'better words');
    assert.equal(inHistory.editedAt, edited.body.editedAt);
    const topic = `/topic/message/updates/${room.id}`;
    await waitFor(() => aliceClient.inbox(topic).some(u => u.messageId === msg.id && u.kind === 'EDITED'), 'EDITED update');
    const update = aliceClient.inbox(topic).find(u => u.messageId === msg.id);
    assert.equal(update.roomId, room.id);
    assert.equal(update.version, edited.body.version);
    assert.equal(update.message.content, 'better words');
  });

  it('STOMP /app/edit and /app/delete: refusals on /user/queue/errors, changes on the topic', async () => {
    const mine = await send(alice, 'alice says');
    bobClient.send('/app/edit', { messageId: mine.id, content: 'bob edits' });
    await waitFor(() => bobClient.inbox('/user/queue/errors').some(e => e.destination === '/app/edit'), 'edit refusal');
    assert.equal(bobClient.inbox('/user/queue/errors').find(e => e.destination === '/app/edit').code, 'FORBIDDEN');
    bobClient.send('/app/delete', { messageId: mine.id });
    await waitFor(() => bobClient.inbox('/user/queue/errors').some(e => e.destination === '/app/delete'), 'delete refusal');
    bobClient.send('/app/edit', { messageId: 42 });
    await waitFor(() => bobClient.inbox('/user/queue/errors').filter(e => e.destination === '/app/edit').length >= 2, 'bad edit');
    assert.equal(bobClient.inbox('/user/queue/errors').filter(e => e.destination === '/app/edit')[1].code, 'BAD_REQUEST');
    assert.equal((await detail(mine.id)).body.content, 'alice says');
    aliceClient.send('/app/edit', { messageId: mine.id, content: 'alice says more' });
    await waitFor(async () => (await detail(mine.id)).body.content === 'alice says more', 'STOMP edit applied');
  });

  it('the sender, an ADMIN or the OWNER deletes; a deleted message keeps its place without content', async () => {
    const byBob = [await send(bob, 'secret one'), await send(bob, 'secret two'), await send(bob, 'secret three')];
    const byAlice = await send(alice, 'owner words');
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/${byAlice.id}`, undefined, bob.token)).status, 403);
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/${byBob[0].id}`, undefined, mallory.token)).status, 403);
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/${byBob[0].id}`, undefined, bob.token)).status, 204);
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/${byBob[1].id}`, undefined, carol.token)).status, 204);
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/${byBob[2].id}`, undefined, alice.token)).status, 204);
    // A second delete changes nothing and is no error.
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/${byBob[2].id}`, undefined, alice.token)).status, 204);
    for (const m of byBob) {
      const read = (await detail(m.id)).body;
      assert.equal(read.deleted, true);
      assert.equal(read.content, '');
      assert.deepEqual(read.mentions, []);
      assert.equal(read.seq, m.seq);
    }
    const edit = await rest(node, 'PUT', `/api/v1/messages/${byBob[0].id}`, { content: 'undead' }, bob.token);
    assert.equal(edit.status, 409);
    assert.equal(edit.body.code, 'MESSAGE_DELETED');
    // Gone from every store: the messages store, the rooms store and the outbox payloads.
    for (const [dsn, sql] of [[node.dsn.messages, `SELECT count(*) FROM messages WHERE content LIKE 'secret%'`],
      [node.dsn.rooms, `SELECT count(*) FROM room_messages WHERE message::text LIKE '%secret%'`],
      [node.dsn.rooms, `SELECT count(*) FROM rooms WHERE last_message::text LIKE '%secret%'`]])
      assert.equal(sqlValue(dsn, sql), '0', sql);
    const search = await rest(node, 'GET', '/api/v1/messages/search?q=secret', undefined, bob.token);
    assert.equal(search.status, 200);
    assert.deepEqual(search.body, []);
  });

  it('reactions: idempotent per user, counts and user lists, at most 20 distinct, over REST and STOMP', async () => {
    const msg = await send(alice, 'react to me');
    const react = (user, reaction) => rest(node, 'POST', '/api/v1/messages/reaction', { messageId: msg.id, reaction }, user.token);
    assert.equal((await react(alice, '👍')).status, 200);
    assert.equal((await react(alice, '👍')).status, 200);
    const both = await react(bob, '👍');
    assert.deepEqual(both.body.reactions, [{ reaction: '👍', count: 2, userIds: [alice.id, bob.id].sort((a, b) => a - b) }]);
    assert.equal((await react(mallory, '👍')).status, 403);
    assert.equal((await react(bob, '')).status, 400);
    assert.equal((await react(bob, 'x'.repeat(33))).status, 400);
    bobClient.send('/app/reaction', { messageId: msg.id, reaction: '🎉' });
    await waitFor(async () => (await detail(msg.id)).body.reactions.length === 2, 'STOMP reaction');
    bobClient.send('/app/reaction', { messageId: msg.id, reaction: '🎉', add: false });
    await waitFor(async () => (await detail(msg.id)).body.reactions.length === 1, 'STOMP unreaction');
    const removed = await rest(node, 'DELETE', `/api/v1/messages/reaction?messageId=${msg.id}&reaction=${encodeURIComponent('👍')}`, undefined, alice.token);
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body.reactions, [{ reaction: '👍', count: 1, userIds: [bob.id] }]);
    const byBody = await rest(node, 'DELETE', '/api/v1/messages/reaction', { messageId: msg.id, reaction: '👍' }, bob.token);
    assert.deepEqual(byBody.body.reactions, []);
    for (let i = 0; i < 20; ++i)
      assert.equal((await react(alice, `r${i}`)).status, 200);
    const tooMany = await react(alice, 'r20');
    assert.equal(tooMany.status, 409);
    assert.equal(tooMany.body.code, 'REACTION_LIMIT');
    // An existing reaction still takes more users.
    assert.equal((await react(bob, 'r0')).status, 200);
  });

  it('pins: OWNER or ADMIN only, at most 3 a room, on the message, the room and the pin list', async () => {
    const msgs = [];
    for (let i = 0; i < 5; ++i) msgs.push(await send(bob, `pin me ${i}`));
    const pin = (user, m) => rest(node, 'POST', '/api/v1/messages/pin', { messageId: m.id, roomId: room.id }, user.token);
    assert.equal((await pin(bob, msgs[0])).status, 403);
    assert.equal((await pin(mallory, msgs[0])).status, 403);
    const first = await pin(alice, msgs[0]);
    assert.equal(first.status, 200);
    assert.equal(first.body.pinned, true);
    assert.equal((await pin(carol, msgs[1])).status, 200);
    assert.equal((await pin(alice, msgs[1])).status, 200, 'pinning a pinned message again changes nothing');
    assert.equal((await pin(alice, msgs[2])).status, 200);
    const fourth = await pin(alice, msgs[3]);
    assert.equal(fourth.status, 409);
    assert.equal(fourth.body.code, 'PIN_LIMIT');
    const wrongRoom = await rest(node, 'POST', '/api/v1/messages/pin', { messageId: msgs[3].id, roomId: room.id + 1000 }, alice.token);
    assert.equal(wrongRoom.status, 404);
    const pins = await rest(node, 'GET', `/api/v1/messages/pins/${room.id}`, undefined, bob.token);
    assert.equal(pins.status, 200);
    assert.deepEqual(pins.body.map(p => p.message.id).sort(), msgs.slice(0, 3).map(m => m.id).sort());
    assert.ok(pins.body.every(p => p.message.pinned && typeof p.pinnedBy === 'number' && !Number.isNaN(Date.parse(p.pinnedAt))));
    assert.equal((await rest(node, 'GET', `/api/v1/messages/pins/${room.id}`, undefined, mallory.token)).status, 403);
    // The room shows its pins, newest first, and each member's role.
    const roomView = (await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, bob.token)).body;
    assert.deepEqual(roomView.pinned.map(p => p.message.id), pins.body.map(p => p.message.id));
    assert.equal(roomView.myRole, 'MEMBER');
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, alice.token)).body.myRole, 'OWNER');
    assert.equal((await rest(node, 'GET', '/api/v1/chatrooms', undefined, carol.token)).body.find(r => r.id === room.id).myRole, 'ADMIN');
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/pin/${msgs[0].id}`, undefined, bob.token)).status, 403);
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/pin/${msgs[0].id}`, undefined, carol.token)).status, 204);
    assert.equal((await pin(alice, msgs[3])).status, 200, 'a freed pin slot takes the fourth');
    // STOMP toggle: unpins a pinned message, refuses a member.
    aliceClient.send('/app/pin/toggle', { roomId: room.id, messageId: msgs[3].id });
    await waitFor(async () => (await detail(msgs[3].id)).body.pinned === false, 'toggle unpins');
    // Every pin change reached the members' room lists: 3 pins, an unpin, a pin, the toggle.
    const pinUpdates = () => bobClient.inbox('/user/queue/room-updates').filter(u => u.roomId === room.id && u.reason === 'PINS_CHANGED');
    await waitFor(() => pinUpdates().length === 6, 'six PINS_CHANGED room updates');
    assert.deepEqual(pinUpdates().at(-1).room.pinned.map(p => p.message.id).sort(), msgs.slice(1, 3).map(m => m.id).sort());
    bobClient.send('/app/pin/toggle', { roomId: room.id, messageId: msgs[3].id });
    await waitFor(() => bobClient.inbox('/user/queue/errors').some(e => e.destination === '/app/pin/toggle'), 'toggle refusal');
    // A deleted message leaves the pins.
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/${msgs[1].id}`, undefined, bob.token)).status, 204);
    const after = await rest(node, 'GET', `/api/v1/messages/pins/${room.id}`, undefined, bob.token);
    assert.deepEqual(after.body.map(p => p.message.id), [msgs[2].id]);
    // ... and the room lists hear of it.
    await waitFor(() => pinUpdates().length === 7, 'PINS_CHANGED after deleting a pinned message');
    assert.deepEqual(pinUpdates().at(-1).room.pinned.map(p => p.message.id), [msgs[2].id]);
    // Deleting a message that is not pinned leaves the pins alone: no PINS_CHANGED.
    assert.equal((await rest(node, 'DELETE', `/api/v1/messages/${msgs[4].id}`, undefined, alice.token)).status, 204);
    await waitFor(async () => (await detail(msgs[4].id)).body.deleted === true, 'the delete');
    await sleep(300);
    assert.equal(pinUpdates().length, 7);
  });

  it('every change is one event in version order, on the topic and in Kafka', async () => {
    const topic = aliceClient.inbox(`/topic/message/updates/${room.id}`);
    const versions = topic.map(u => u.version);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'updates in version order');
    assert.equal(new Set(versions).size, versions.length, 'one update per version');
    await waitFor(() => readEvents(node).map(r => r.value).filter(e => e.roomId === room.id && e.eventType === 'MessagePinned').length >= 4,
      'change events in Kafka', 20000);
    const events = readEvents(node).map(r => r.value).filter(e => e.roomId === room.id);
    const eventVersions = events.map(e => e.version);
    assert.deepEqual(eventVersions, [...eventVersions].sort((a, b) => a - b));
    assert.equal(new Set(eventVersions).size, eventVersions.length);
    for (const type of ['MessageEdited', 'MessageDeleted', 'ReactionAdded', 'ReactionRemoved', 'MessagePinned', 'MessageUnpinned'])
      assert.ok(events.some(e => e.eventType === type), type);
    for (const e of events.filter(x => x.eventType === 'MessageDeleted'))
      assert.equal(e.payload.content, '');
    // Published events are history (a MessageSent before the delete keeps its content); what
    // the outbox still holds has none.
    assert.ok(!JSON.stringify(events.filter(e => e.eventType !== 'MessageSent' && e.eventType !== 'MessageMentioned')).includes('secret'));
    assert.equal(sqlValue(node.dsn.rooms, `SELECT count(*) FROM outbox WHERE payload LIKE '%secret%'`), '0');
    // The updates topic carries every message change the events carry (membership and room
    // events go to /user/queue/room-updates instead).
    const messageChanges = events.filter(e => !['MessageSent', 'MessageMentioned'].includes(e.eventType) &&
      (e.eventType.startsWith('Message') || e.eventType.startsWith('Reaction')));
    await waitFor(() => aliceClient.inbox(`/topic/message/updates/${room.id}`).length >= messageChanges.length, 'all updates');
  });

  it('chatctl verify is clean', () => {
    const run = chatctl(node, ['verify']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
  });
});
