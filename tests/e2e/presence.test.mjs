// Presence through a real chatd: per user (not per connection) on /topic/active/{roomId}, a
// snapshot for new subscribers, statuses (OFFLINE: invisible, never shown), /app/active, the
// stored lastSeenAt and `online` in profiles and participant lists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { newUser, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

describe('presence', () => {
  let node;
  let alice;
  let bob;
  let carol;
  let room;
  let bobClient;
  const clients = [];

  const connect = async user => {
    const client = await stompClient(node, user.token);
    clients.push(client);
    return client;
  };
  const events = (client, userId) => client.inbox(`/topic/active/${room.id}`).filter(e => e.userId === userId);
  const profile = async (user, viewer = bob) => (await rest(node, 'GET', `/api/v1/users/${user.id}`, undefined, viewer.token)).body;
  const onlineInRoom = async user => {
    const list = await rest(node, 'GET', `/api/v1/chatrooms/${room.id}/participants`, undefined, bob.token);
    return list.body.find(p => p.id === user.id).online;
  };

  before(async () => {
    node = await startChatd();
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    carol = await newUser(node, 'carol');
    room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'presence', type: 'GROUP', participantIds: [bob.id, carol.id] }, alice.token)).body;
    bobClient = await connect(bob);
    await bobClient.subscribe(`/topic/active/${room.id}`);
    await bobClient.subscribe('/user/queue/errors');
  });

  after(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
  });

  it('is per user: the first session makes a user active, the last one closing inactive', async () => {
    assert.equal((await profile(alice)).online, false);
    const first = await connect(alice);
    await waitFor(() => events(bobClient, alice.id).length === 1, 'alice active');
    const came = events(bobClient, alice.id)[0];
    assert.equal(came.active, true);
    assert.equal(came.status, 'ONLINE');
    assert.equal(came.roomId, room.id);
    await waitFor(async () => (await profile(alice)).online === true, 'alice online in her profile');
    assert.equal(await onlineInRoom(alice), true);
    const second = await connect(alice);
    await sleep(300);
    assert.equal(events(bobClient, alice.id).length, 1, 'a second session changes nothing');
    await first.close();
    await sleep(300);
    assert.equal(events(bobClient, alice.id).length, 1, 'one session is still open');
    assert.equal((await profile(alice)).online, true);
    const before = Date.now();
    await second.close();
    await waitFor(() => events(bobClient, alice.id).length === 2, 'alice inactive');
    const left = events(bobClient, alice.id)[1];
    assert.equal(left.active, false);
    assert.ok(Date.parse(left.lastSeenAt) >= before - 1000);
    await waitFor(async () => (await profile(alice)).online === false, 'alice offline in her profile');
    const stored = await profile(alice);
    assert.ok(Date.parse(stored.lastSeenAt) >= before - 1000, JSON.stringify(stored));
    assert.equal(await onlineInRoom(alice), false);
  });

  it('a new subscriber first gets one event per member who is online', async () => {
    const aliceClient = await connect(alice);
    await waitFor(() => events(bobClient, alice.id).filter(e => e.active).length === 2, 'alice back');
    const carolClient = await connect(carol);
    await waitFor(() => events(bobClient, carol.id).some(e => e.active), 'carol active');
    await carolClient.subscribe(`/topic/active/${room.id}`);
    const snapshot = carolClient.inbox(`/topic/active/${room.id}`);
    const shown = [...new Set(snapshot.filter(e => e.active).map(e => e.userId))].sort((a, b) => a - b);
    assert.deepEqual(shown, [alice.id, bob.id, carol.id].sort((a, b) => a - b));
    await aliceClient.close();
    await waitFor(() => carolClient.inbox(`/topic/active/${room.id}`).some(e => e.userId === alice.id && !e.active), 'carol sees alice leave');
    await carolClient.close();
  });

  it('statuses reach the room; OFFLINE is invisible everywhere', async () => {
    const aliceClient = await connect(alice);
    await aliceClient.subscribe('/user/queue/errors');
    await waitFor(async () => (await profile(alice)).online === true, 'alice online');
    // Her arrival reaches bob first: count from there.
    await waitFor(() => events(bobClient, alice.id).at(-1)?.active === true, 'alice shown to bob');
    const seen = events(bobClient, alice.id).length;
    const away = await rest(node, 'PUT', '/api/v1/users/status', { status: 'AWAY', statusMessage: 'lunch' }, alice.token);
    assert.equal(away.status, 200);
    await waitFor(() => events(bobClient, alice.id).length === seen + 1, 'AWAY shown');
    assert.deepEqual([events(bobClient, alice.id).at(-1).active, events(bobClient, alice.id).at(-1).status], [true, 'AWAY']);
    const invisible = await rest(node, 'PUT', '/api/v1/users/status', { status: 'OFFLINE' }, alice.token);
    assert.equal(invisible.status, 200);
    await waitFor(() => events(bobClient, alice.id).length === seen + 2, 'going invisible shown as leaving');
    assert.equal(events(bobClient, alice.id).at(-1).active, false);
    assert.equal((await profile(alice)).online, false);
    assert.equal(await onlineInRoom(alice), false);
    // Not in a new subscriber's snapshot, nor when a second session opens, nor with /app/active.
    const carolClient = await connect(carol);
    await carolClient.subscribe(`/topic/active/${room.id}`);
    assert.ok(!carolClient.inbox(`/topic/active/${room.id}`).some(e => e.userId === alice.id));
    const again = await connect(alice);
    aliceClient.send('/app/active', { roomId: room.id, activity: 'IDLE' });
    await sleep(400);
    assert.equal(events(bobClient, alice.id).length, seen + 2);
    assert.ok(!carolClient.inbox(`/topic/active/${room.id}`).some(e => e.userId === alice.id));
    await again.close();
    // Visible again.
    await rest(node, 'PUT', '/api/v1/users/status', { status: 'ONLINE' }, alice.token);
    await waitFor(() => events(bobClient, alice.id).length === seen + 3, 'visible again');
    assert.deepEqual([events(bobClient, alice.id).at(-1).active, events(bobClient, alice.id).at(-1).status], [true, 'ONLINE']);
    await carolClient.close();
    await aliceClient.close();
  });

  it('/app/active says what a member does in the room; bad bodies are refused', async () => {
    const aliceClient = await connect(alice);
    await aliceClient.subscribe('/user/queue/errors');
    await waitFor(() => events(bobClient, alice.id).at(-1)?.active === true, 'alice active');
    const seen = events(bobClient, alice.id).length;
    aliceClient.send('/app/active', { roomId: room.id, activity: 'IDLE' });
    await waitFor(() => events(bobClient, alice.id).length === seen + 1, 'IDLE shown');
    assert.equal(events(bobClient, alice.id).at(-1).activity, 'IDLE');
    assert.equal(events(bobClient, alice.id).at(-1).active, true);
    // The same activity again is no news.
    aliceClient.send('/app/active', { roomId: room.id, activity: 'IDLE' });
    aliceClient.send('/app/active', { roomId: room.id, activity: 'ACTIVE' });
    await waitFor(() => events(bobClient, alice.id).length === seen + 2, 'ACTIVE shown');
    assert.equal(events(bobClient, alice.id).at(-1).activity, 'ACTIVE');
    for (const body of [{ roomId: room.id }, { roomId: room.id, activity: 'ASLEEP' }, { activity: 'IDLE' }, { roomId: 'x', activity: 'IDLE' }])
      aliceClient.send('/app/active', body);
    await waitFor(() => aliceClient.inbox('/user/queue/errors').filter(e => e.destination === '/app/active').length === 4, 'bad bodies refused');
    for (const e of aliceClient.inbox('/user/queue/errors')) assert.equal(e.code, 'BAD_REQUEST');
    // A stranger's activity reaches nobody.
    const mallory = await newUser(node, 'mallory');
    const malloryClient = await connect(mallory);
    malloryClient.send('/app/active', { roomId: room.id, activity: 'ACTIVE' });
    await sleep(300);
    assert.equal(events(bobClient, mallory.id).length, 0);
    await aliceClient.close();
  });
  it('a session opened before its user joined a room is present there once it subscribes to it', async () => {
    const dave = await newUser(node, 'dave');
    const daveClient = await connect(dave);
    const later = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'joined later', type: 'GROUP', participantIds: [dave.id] }, bob.token)).body;
    await bobClient.subscribe(`/topic/active/${later.id}`);
    const daveEvents = () => bobClient.inbox(`/topic/active/${later.id}`).filter(e => e.userId === dave.id);
    await daveClient.subscribe(`/topic/messages/${later.id}`);
    await waitFor(() => daveEvents().some(e => e.active), 'dave active in the room he joined');
    // A second subscription of the same session changes nothing; closing it ends the presence.
    await daveClient.subscribe(`/topic/typing/${later.id}`);
    await sleep(300);
    assert.equal(daveEvents().filter(e => e.active).length, 1);
    await daveClient.close();
    await waitFor(() => daveEvents().some(e => e.active === false), 'dave gone');
  });
});
