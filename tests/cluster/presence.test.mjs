// Presence and membership across a cluster of two nodes: a user with sessions on both nodes
// stays online until the last one closes (then lastSeenAt is stored); a user connected to one
// node is active in a room hosted by the other and online in profiles read from either; a
// member removed there stops receiving the room at once; kill -9 of the user's node takes their
// presence with it within the cluster's failure-detection time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { newUser, ownerOf, rest, startCluster, stompClient, waitFor } from '../e2e/lib/harness.mjs';

// Failure detection: a lease of 2 s, renewed every 200 ms; the test allows twice that and the
// node's watch of its peers.
const detectionBound = 8000;

describe('presence in a cluster', () => {
  let cluster;
  const clients = [];

  before(async () => {
    cluster = await startCluster(2, ['--cluster.heartbeat=200ms', '--cluster.lease=2s']);
  });

  after(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await cluster?.stop();
  });

  it('is cluster-wide, and a dead node takes its sessions\' presence with it', async () => {
    const [first, second] = cluster.nodes;
    const alice = await newUser(first, 'alice');
    const bob = await newUser(first, 'bob');
    // A room hosted on the first node: alice will be on the second one.
    let room;
    const bobClient = await stompClient(first, bob.token);
    clients.push(bobClient);
    for (let i = 0; i < 12 && !room; ++i) {
      const made = (await rest(first, 'POST', '/api/v1/chatrooms',
        { title: `presence ${i}`, type: 'GROUP', participantIds: [alice.id] }, bob.token)).body;
      await bobClient.subscribe(`/topic/active/${made.id}`);
      if (ownerOf(first, made.id) === first.id) room = made;
    }
    assert.ok(room, 'a room on the first node');
    const topic = `/topic/active/${room.id}`;
    const aliceEvents = () => bobClient.inbox(topic).filter(e => e.userId === alice.id);
    const onlineSeenFrom = async node =>
      (await rest(node, 'GET', `/api/v1/users/${alice.id}`, undefined, bob.token)).body;
    // Two sessions on two nodes: closing one keeps alice online, closing both does not.
    const onFirst = await stompClient(first, alice.token);
    const onSecond = await stompClient(second, alice.token);
    await waitFor(() => aliceEvents().some(e => e.active), 'alice active');
    for (const node of cluster.nodes)
      await waitFor(async () => (await onlineSeenFrom(node)).online === true, `alice online seen from ${node.id}`);
    await onSecond.close();
    await new Promise(resolve => setTimeout(resolve, 500));
    assert.ok(!aliceEvents().some(e => !e.active), 'one session is still open');
    assert.equal((await onlineSeenFrom(first)).online, true);
    assert.equal((await onlineSeenFrom(second)).online, true);
    const closed = Date.now();
    await onFirst.close();
    await waitFor(() => aliceEvents().some(e => !e.active), 'alice inactive once both closed');
    await waitFor(async () => (await onlineSeenFrom(second)).online === false, 'alice offline');
    const seen = Date.parse((await onlineSeenFrom(second)).lastSeenAt);
    assert.ok(seen >= closed - 1000 && seen <= Date.now() + 1000, `lastSeenAt ${seen}`);

    bobClient.inbox(topic).length = 0;
    const aliceClient = await stompClient(second, alice.token);
    await waitFor(() => bobClient.inbox(topic).some(e => e.userId === alice.id && e.active), 'alice active on the other node');
    for (const node of cluster.nodes)
      await waitFor(async () => (await rest(node, 'GET', `/api/v1/users/${alice.id}`, undefined, bob.token)).body.online === true,
        `alice online seen from ${node.id}`);
    // Removed by the OWNER on the other node: alice's subscription there ends at once.
    await aliceClient.subscribe(`/topic/messages/${room.id}`);
    await aliceClient.subscribe('/user/queue/room-updates');
    const removed = await rest(first, 'DELETE', `/api/v1/chatrooms/${room.id}/participants/${alice.id}`, undefined, bob.token);
    assert.equal(removed.status, 204);
    await waitFor(() => aliceClient.inbox('/user/queue/room-updates').some(u => u.roomId === room.id && u.room === null), 'alice told');
    const sent = await rest(first, 'POST', '/api/v1/messages', { roomId: room.id, content: 'after alice', tempId: 'after-alice' }, bob.token);
    assert.equal(sent.status, 201);
    await new Promise(resolve => setTimeout(resolve, 500));
    assert.equal(aliceClient.inbox(`/topic/messages/${room.id}`).length, 0);
    // Added again: her open session counts for the room's presence once more.
    assert.equal((await rest(first, 'POST', `/api/v1/chatrooms/${room.id}/participants`, { userIds: [alice.id] }, bob.token)).status, 200);
    bobClient.inbox(topic).length = 0;

    const killed = Date.now();
    await second.kill();
    await waitFor(() => bobClient.inbox(topic).some(e => e.userId === alice.id && !e.active), 'alice inactive', detectionBound);
    await waitFor(async () => (await rest(first, 'GET', `/api/v1/users/${alice.id}`, undefined, bob.token)).body.online === false,
      'alice offline in her profile', detectionBound);
    console.log(`presence gone ${Date.now() - killed} ms after kill -9 of ${second.id}`);
    aliceClient.client.deactivate().catch(() => {});
  });
});
