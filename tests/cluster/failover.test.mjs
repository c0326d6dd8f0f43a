// Three chatd nodes on loopback form a cluster (one set of databases, one chat-kafka). Clients
// connected to different nodes share rooms and each receives every message exactly once, in
// seq order. Then kill -9 of the node that hosts the busiest room, under load: the room serves
// again on another node within the bound, every message acknowledged SAVED is stored exactly
// once, chatctl verify passes, and the clients of the killed node reconnect to another node
// and catch up with since-seq, with no gap.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  clusterView, metric, ownerOf, startCluster, waitFor, waitForCluster,
} from '../e2e/lib/harness.mjs';
import {
  assertDelivered, assertHolds, faultOptions, runLoad, settle, setupLoad, summary, verifyWithin,
} from '../fault/load.mjs';

// The failover target of the issue: the room answers again on another node within 2 s.
const serveAgainBound = 2000;

// Three nodes and a starting one share two cores here: a store step may take over a second
// without anything being wrong, so the steps get longer than the fault suites' 1 s.
const clusterOptions = [...faultOptions, '--cluster.heartbeat=200ms', '--cluster.lease=2s',
  '--saga.step-timeout=3s', '--recovery.pending-age=12s'];

/// The node a room is active on (its owner in the rooms store).
function hostOf(cluster, roomId) {
  const owner = ownerOf(cluster.nodes[0], roomId);
  return cluster.nodes.find(n => n.id === owner);
}

describe('a cluster of three nodes', () => {
  let cluster;
  let load;

  before(async () => {
    cluster = await startCluster(3, clusterOptions);
    load = await setupLoad(cluster.nodes[0], { users: 6, rooms: 3, nodes: cluster.nodes });
  });

  after(async () => {
    for (const c of load?.clients ?? []) c.close();
    await cluster?.stop();
  });

  it('places rooms on several nodes and shows them in the cluster view', async () => {
    await runLoad(load, { perClient: 5, window: 5, prefix: 'warm' });
    const hosts = new Set(load.roomIds.map(id => hostOf(cluster, id)?.id));
    assert.ok(!hosts.has(undefined), 'every room has an owner among the nodes');
    const view = await clusterView(cluster.nodes[1]);
    assert.deepEqual(view.members.map(m => m.id), ['node-1', 'node-2', 'node-3']);
    assert.deepEqual(view.members.map(m => m.state), ['up', 'self', 'up']);
    assert.equal(view.members.reduce((n, m) => n + m.rooms, 0), load.roomIds.length);
  });

  it('delivers every message exactly once and in order to clients on every node', async () => {
    await runLoad(load, { perClient: 60, window: 6, prefix: 'a' });
    await assertDelivered(assert, load);
    const report = await verifyWithin(cluster.nodes[0], load);
    const line = summary('cluster: clients on three nodes', load, report);
    const reasons = load.log.filter(e => e.status === 'FAILED').map(e => `${e.errorCode}: ${e.errorMessage}`);
    assert.deepEqual(reasons, [], 'no message fails');
    assert.equal(line.failed, 0);
    assertHolds(assert, report);
  });

  it('survives kill -9 of the node hosting the busiest room', async () => {
    const busiest = load.roomIds[0];
    const victim = hostOf(cluster, busiest);
    const survivors = cluster.nodes.filter(n => n !== victim);
    const onVictim = load.clients.filter(c => c.state.node === victim).length;
    let killedAt = 0;
    let killed;
    await runLoad(load, {
      perClient: 100, window: 6, faultAfter: 150, timeout: 60000, prefix: 'k',
      during: () => {
        killed = (async () => {
          await victim.kill();
          killedAt = Date.now();
          victim.dead = true;
        })();
      },
    });
    await killed;
    // The first message of the busiest room saved after the kill was saved on its new home.
    const after = load.log.filter(e => e.roomId === busiest && e.status === 'SAVED' && e.at > killedAt);
    assert.ok(after.length > 0, 'the busiest room never served again');
    const serveAgainMs = Math.min(...after.map(e => e.at)) - killedAt;
    const newHome = hostOf(cluster, busiest);
    assert.ok(newHome && newHome !== victim, 'the room moved to a surviving node');
    await settle(survivors[0]);
    const report = await verifyWithin(survivors[0], load);
    await assertDelivered(assert, load);
    const moved = load.clients.filter(c => c.state.reconnects > 0);
    const line = summary('cluster: kill -9 of the busiest room\'s node', load, report,
      { serveAgainMs, victim: victim.id, newHome: newHome.id, clientsOnVictim: onVictim,
        reconnected: moved.length });
    assert.ok(moved.length >= onVictim, 'the clients of the killed node reconnected');
    for (const c of moved) assert.notEqual(c.state.node, victim);
    assert.ok(serveAgainMs <= serveAgainBound, `the room served again after ${serveAgainMs} ms`);
    assert.equal(line.saved + line.failed, 6 * 100 + 6 * 65);
    assertHolds(assert, report);
    await waitFor(async () => {
      const view = await clusterView(survivors[0]);
      return view.members.find(m => m.id === victim.id)?.state !== 'up';
    }, 'the cluster view to drop the killed node');
  });

  it('moves rooms back to a node that rejoins, after their sagas in flight', async () => {
    const busiest = load.roomIds[0];
    const returning = cluster.nodes.find(n => n.dead);
    const others = cluster.nodes.filter(n => n !== returning);
    const fenced = async () => (await Promise.all(others.map(n => metric(n, 'chat_rooms_fenced_total'))))
      .reduce((a, b) => a + b, 0);
    const fencedBefore = await fenced();
    let rejoined;
    await runLoad(load, {
      // Long enough that the node starts (about a second) and joins while messages flow.
      perClient: 250, window: 6, faultAfter: 150, timeout: 60000, prefix: 'j',
      during: () => {
        rejoined = (async () => {
          await returning.start();
          returning.dead = false;
        })();
      },
    });
    await rejoined;
    await waitForCluster(cluster.nodes);
    // The busiest room's home is the returning node again (rendezvous placement): it moved
    // there, once its old home's sagas had finished, at the next message.
    await runLoad(load, { perClient: 2, window: 2, prefix: 'after' });
    assert.equal(hostOf(cluster, busiest)?.id, returning.id);
    await settle(cluster.nodes[0]);
    const report = await verifyWithin(cluster.nodes[0], load);
    await assertDelivered(assert, load);
    const line = summary('cluster: a node rejoins under load', load, report,
      { returning: returning.id });
    const reasons = load.log.filter(e => e.status === 'FAILED').map(e => `${e.tempId} ${e.errorCode}: ${e.errorMessage}`);
    assert.deepEqual(reasons, [], 'a message failed while rooms moved');
    assert.equal(line.failed, 0, 'a message failed while rooms moved');
    // Handed off, not taken: no room actor on the other nodes was fenced.
    assert.equal(await fenced(), fencedBefore, 'a room was fenced instead of handed off');
    assertHolds(assert, report);
  });
});
