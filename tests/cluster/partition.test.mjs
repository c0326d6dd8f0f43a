// A silent partition: three nodes, each in a network namespace of its own (made by the test),
// under load from clients on every node. One node is cut from the other two by blackhole
// routes on both sides: no FIN, no RST, packets just vanish. All three still reach the
// databases and Kafka, so both sides go on serving: the cut must be noticed within the
// middleman's bound, the two nodes must take over the rooms of the one they lost, and the
// owner epoch must fence whichever side's room actor was overtaken. Nobody is told SAVED for
// anything that is not stored. Then the cut heals: the three see each other again, the rooms
// settle on one home each, and chatctl verify finds every invariant holding.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  clusterView, freePort, metric, ownerOf, rest, sqlValue, startChatd, startKafka, stompClient, testPg,
  waitFor, waitForCluster,
} from '../e2e/lib/harness.mjs';
import {
  assertHolds, faultOptions, runLoad, settle, setupLoad, summary, verifyWithin,
} from '../fault/load.mjs';
import { cut, forwardPorts, heal, makeNetwork, netnsUnavailable } from './lib/netns.mjs';

const heartbeatMs = 250;
const connectionTimeoutMs = 2000;
// What noticing the cut may take: the middleman's connection timeout, a heartbeat, and the
// directory's own heartbeat (200 ms) to show it, with a margin for two busy cores.
const detectBound = connectionTimeoutMs + heartbeatMs + 200 + 2500;

const clusterOptions = [...faultOptions, '--cluster.heartbeat=200ms', '--cluster.lease=2s',
  '--saga.step-timeout=3s', '--recovery.pending-age=12s',
  `--middleman.heartbeat-interval=${heartbeatMs}ms`, `--middleman.connection-timeout=${connectionTimeoutMs}ms`];

/// Whether `viewer` sees `peer` as a live member (a view that does not come counts as yes).
async function sees(viewer, peer) {
  const view = await clusterView(viewer);
  if (!view) return true;
  return view.members.some(m => m.id === peer.id && (m.state === 'up' || m.state === 'self'));
}

const unavailable = netnsUnavailable();

describe('a silent partition between nodes in network namespaces', { skip: unavailable || false }, () => {
  let network;
  let kafka;
  const nodes = [];
  let load;

  before(async () => {
    network = makeNetwork(3);
    kafka = await startKafka();
    // PostgreSQL through its unix socket (not namespaced), Kafka through forwarders.
    const socketDir = sqlValue(`${testPg} dbname=postgres`, 'SHOW unix_socket_directories').split(',')[0].trim();
    assert.ok(socketDir, 'the test PostgreSQL has a unix socket (scripts/pg)');
    const pg = testPg.replace(/host=\S+/, `host=${socketDir}`);
    const kafkaPorts = kafka.bootstrap.split(',').map(b => Number(b.split(':')[1]));
    await forwardPorts(network, kafkaPorts);
    const clusterPort = await freePort();
    const seeds = `--cluster.seeds=[${[0, 1, 2].map(i => `"${network.address(i)}:${clusterPort}"`).join(',')}]`;
    for (let i = 0; i < 3; ++i) {
      const node = await startChatd([`--node.id=node-${i + 1}`, `--cluster.host=${network.address(i)}`,
        `--cluster.port=${clusterPort}`, seeds, `--kafka.brokers=${kafka.bootstrap}`, ...clusterOptions],
      { pg, joining: nodes[0] ?? null, netns: network.namespace(i), address: network.address(i) });
      node.id = `node-${i + 1}`;
      nodes.push(node);
    }
    await waitForCluster(nodes, 30000);
    load = await setupLoad(nodes[0], { users: 6, rooms: 6, nodes });
  });

  after(async () => {
    for (const c of load?.clients ?? []) c.close();
    for (const node of [...nodes].reverse()) await node.stop();
    await kafka?.stop();
    network?.destroy();
  });

  it('notices the cut, moves the lost node\'s rooms, fences the loser and heals clean', async () => {
    await runLoad(load, { perClient: 10, window: 4, prefix: 'warm' });
    // The victim: the node that hosts the first room.
    const victimId = ownerOf(nodes[0], load.roomIds[0]);
    const victim = nodes.findIndex(n => n.id === victimId);
    assert.ok(victim >= 0, 'the first room has a home');
    const others = [0, 1, 2].filter(i => i !== victim);
    const fencedBefore = await metric(nodes[victim], 'chat_rooms_fenced_total');

    let detected;
    await runLoad(load, {
      // A message still without an answer after 15 s goes again, same tempId, as a client's
      // retry would (docs/fault-tolerance.md: a split-brain can leave one unanswered).
      perClient: 120, window: 4, prefix: 'split', faultAfter: 200, timeout: 120000, resendAfter: 15000,
      during: () => {
        const cutAt = Date.now();
        cut(network, victim, others);
        // Both sides must notice: the two lose the victim, the victim loses both. Each pair is
        // watched on its own, so a slow answer of one node does not delay the others.
        const pairs = others.flatMap(i => [[i, victim], [victim, i]]);
        detected = Promise.all(pairs.map(([viewer, peer]) => waitFor(
          async () => !(await sees(nodes[viewer], nodes[peer])),
          `node-${viewer + 1} to notice the cut from node-${peer + 1}`, 20000)
          .then(() => Date.now() - cutAt)));
      },
    });
    const noticed = await detected;
    const detectedMs = Math.max(...noticed);
    assert.ok(detectedMs <= detectBound, `the cut was noticed after ${detectedMs} ms (bound ${detectBound})`);

    // The majority serves the victim's room: a member on one of the two sends and is answered
    // SAVED, and the message is in the store.
    const member = load.people[1];
    const probe = await stompClient(nodes[others[0]], member.token);
    try {
      const statuses = `/topic/message/status/${load.roomIds[0]}`;
      await probe.subscribe(statuses);
      probe.send('/app/chat', { roomId: load.roomIds[0], content: 'across the cut', tempId: 'probe-1' });
      await waitFor(() => probe.inbox(statuses).some(s => s.tempId === 'probe-1' && s.status === 'SAVED'),
        'the majority to save into the lost node\'s room', 15000);
      const { seq } = probe.inbox(statuses).find(s => s.tempId === 'probe-1' && s.status === 'SAVED');
      const history = await rest(nodes[others[0]], 'GET',
        `/api/v1/messages/${load.roomIds[0]}?afterSeq=${seq - 1}&limit=1`, undefined, member.token);
      assert.equal(history.body.messages[0]?.content, 'across the cut');
    } finally {
      await probe.close();
    }
    const fencedDuring = await metric(nodes[victim], 'chat_rooms_fenced_total') - fencedBefore;
    assert.ok(fencedDuring > 0, 'the cut-off node kept writing to rooms taken over by the others');

    const healedAt = Date.now();
    heal(network);
    await waitForCluster(nodes, 30000);
    const convergedMs = Date.now() - healedAt;
    // One home per room again: the cluster view's room counts, and no more fencing under load.
    await runLoad(load, { perClient: 30, window: 4, prefix: 'healed', timeout: 90000 });
    const fencedAfterHeal = [];
    for (const node of nodes) fencedAfterHeal.push(await metric(node, 'chat_rooms_fenced_total'));
    await runLoad(load, { perClient: 20, window: 4, prefix: 'settled', timeout: 90000 });
    for (let i = 0; i < nodes.length; ++i)
      assert.equal(await metric(nodes[i], 'chat_rooms_fenced_total'), fencedAfterHeal[i],
        `node-${i + 1} fenced a room after the cluster converged`);
    for (const node of nodes) await settle(node);
    const report = await verifyWithin(nodes[0], load, 20000);
    for (const c of load.clients)
      for (const [roomId, seqs] of c.state.delivered) {
        const disorder = seqs.filter((seq, i) => i > 0 && seq <= seqs[i - 1]);
        assert.deepEqual(disorder, [], `room ${roomId}: duplicate or out-of-order deliveries`);
      }
    summary('silent partition: one of three nodes cut off, then healed', load, report,
      { detectedMs, convergedMs, fencedDuring });
    assertHolds(assert, report);
  });
});
