// Edits, reactions and deletes across the nodes of a cluster: a change made through a node
// that does not host the room goes to the room's actor on its host, and the subscribers on
// every node see the same updates in the same version order.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ownerOf, rest, startCluster, stompClient, waitFor } from '../e2e/lib/harness.mjs';
import { assertHolds, faultOptions, runLoad, settle, setupLoad, verifyWithin } from '../fault/load.mjs';

test('edits, reactions and deletes through every node reach every node in version order', async () => {
  const cluster = await startCluster(2, [...faultOptions, '--cluster.heartbeat=200ms', '--cluster.lease=2s']);
  const watchers = [];
  let load;
  try {
    load = await setupLoad(cluster.nodes[0], { users: 3, rooms: 2, nodes: cluster.nodes });
    await runLoad(load, { perClient: 6, window: 3 });
    const [owner, second] = load.people;
    const saved = load.log.filter(e => e.status === 'SAVED');
    for (const node of cluster.nodes) {
      const watcher = await stompClient(node, second.token);
      for (const roomId of load.roomIds) await watcher.subscribe(`/topic/message/updates/${roomId}`);
      watchers.push(watcher);
    }
    const changed = [];
    for (const roomId of load.roomIds) {
      const host = ownerOf(cluster.nodes[0], roomId);
      const away = cluster.nodes.find(n => n.id !== host);
      const home = cluster.nodes.find(n => n.id === host);
      assert.ok(away && home, `room ${roomId} is hosted by one of the nodes`);
      const [a, b] = saved.filter(e => e.roomId === roomId).slice(0, 2);
      const senderOf = e => load.people.find(p => p.id === e.senderId);
      // Through the node that does not host the room, then through its host.
      for (const [node, label] of [[away, 'away'], [home, 'home']]) {
        const edit = await rest(node, 'PUT', `/api/v1/messages/${a.persistedId}`, { content: `edited ${label}` }, senderOf(a).token);
        assert.equal(edit.status, 200, JSON.stringify(edit.body));
        const react = await rest(node, 'POST', '/api/v1/messages/reaction', { messageId: a.persistedId, reaction: label }, second.token);
        assert.equal(react.status, 200, JSON.stringify(react.body));
      }
      assert.equal((await rest(away, 'DELETE', `/api/v1/messages/${b.persistedId}`, undefined, owner.token)).status, 204);
      changed.push({ roomId, edited: a.persistedId, deleted: b.persistedId });
    }
    // Every node's subscribers: the same updates, in version order, five per room.
    await waitFor(() => watchers.every(w => load.roomIds.every(id => w.inbox(`/topic/message/updates/${id}`).length >= 5)),
      'the updates on every node', 15000);
    for (const roomId of load.roomIds) {
      const seen = watchers.map(w => w.inbox(`/topic/message/updates/${roomId}`).map(u => `${u.version}:${u.kind}`));
      assert.deepEqual(seen[0], seen[1], `room ${roomId}: both nodes saw the same updates`);
      const versions = seen[0].map(s => Number(s.split(':')[0]));
      assert.deepEqual(versions, [...versions].sort((x, y) => x - y));
      assert.deepEqual(seen[0].map(s => s.split(':')[1]), ['EDITED', 'REACTION', 'EDITED', 'REACTION', 'DELETED']);
    }
    // History through either node shows the current state.
    for (const node of cluster.nodes)
      for (const c of changed) {
        const edited = (await rest(node, 'GET', `/api/v1/messages/${c.edited}`, undefined, second.token)).body;
        assert.equal(edited.content, 'edited home');
        assert.deepEqual(edited.reactions.map(r => r.reaction).sort(), ['away', 'home']);
        const deleted = (await rest(node, 'GET', `/api/v1/messages/${c.deleted}`, undefined, second.token)).body;
        assert.equal(deleted.deleted, true);
        assert.equal(deleted.content, '');
      }
    for (const node of cluster.nodes) await settle(node);
    assertHolds(assert, await verifyWithin(cluster.nodes[0], load));
  } finally {
    for (const w of watchers) await w.close();
    for (const c of load?.clients ?? []) c.close();
    await cluster.stop();
  }
});
