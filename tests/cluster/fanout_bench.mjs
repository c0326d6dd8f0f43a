// Cross-node fan-out benchmark: deliveries per second from one room to subscribers spread over
// three local nodes, against the same number of subscribers all on the room's home node.
// Not part of the test suite (it asserts nothing); run it by hand:
//   node tests/cluster/fanout_bench.mjs [subscribers=60] [messages=2000]
// with CHAT_TEST_PG pointing at a PostgreSQL (default: the test cluster on port 5499, e.g.
// scripts/pg start build/test-pg 5499). Bounded: a fixed number of messages, 120 s at most.
import {
  newUser, ownerOf, rest, sleep, startCluster, stompClient, waitFor,
} from '../e2e/lib/harness.mjs';

const subscribers = Number(process.argv[2] ?? 60);
const messages = Number(process.argv[3] ?? 2000);
const window = 50;

async function measure(cluster, label, placeOn) {
  const [first] = cluster.nodes;
  const sender = await newUser(first, 'sender');
  const users = [];
  for (let i = 0; i < subscribers; ++i) users.push(await newUser(first, 'sub'));
  const room = (await rest(first, 'POST', '/api/v1/chatrooms',
    { title: label, type: 'GROUP', participantIds: users.map(u => u.id) }, sender.token)).body;
  // One message activates the room, so that its home is known.
  const senderClient = await stompClient(first, sender.token);
  const statuses = `/topic/message/status/${room.id}`;
  await senderClient.subscribe(statuses);
  senderClient.send('/app/chat', { roomId: room.id, content: 'warm-up', tempId: 'warm-up' });
  await waitFor(() => senderClient.inbox(statuses).some(s => s.status === 'SAVED'), 'the warm-up');
  const owner = ownerOf(first, room.id);
  const home = cluster.nodes.find(n => n.id === owner);
  const clients = [];
  let received = 0;
  for (let i = 0; i < subscribers; ++i) {
    const node = placeOn(i, home);
    const client = await stompClient(node, users[i].token);
    client.client.subscribe(`/topic/messages/${room.id}`, () => { ++received; });
    clients.push({ client, node });
  }
  await sleep(300); // the subscriptions reach the fan-outs
  received = 0;
  const started = Date.now();
  let sent = 0;
  let answered = 0;
  senderClient.client.subscribe(statuses, msg => {
    const s = JSON.parse(msg.body);
    if (s.status === 'SAVED' || s.status === 'FAILED') ++answered;
  });
  while (sent < messages) {
    while (sent - answered >= window) await sleep(1);
    senderClient.send('/app/chat', { roomId: room.id, content: `message ${sent}`, tempId: `b-${sent}` });
    ++sent;
  }
  const expected = messages * subscribers;
  await waitFor(() => received >= expected, 'every delivery', 120000);
  const seconds = (Date.now() - started) / 1000;
  const remote = clients.filter(c => c.node !== home).length;
  const line = {
    label, subscribers, remoteSubscribers: remote, messages,
    seconds: Number(seconds.toFixed(2)),
    messagesPerSecond: Math.round(messages / seconds),
    deliveriesPerSecond: Math.round(expected / seconds),
  };
  console.log('FANOUT ' + JSON.stringify(line));
  for (const c of clients) await c.client.close();
  await senderClient.close();
  return line;
}

const cluster = await startCluster(3, ['--gateway.send-rate=100000', '--gateway.send-burst=100000',
  '--gateway.max-outbound-frames=100000']);
try {
  await measure(cluster, 'all subscribers on the home node', (i, home) => home);
  await measure(cluster, 'subscribers spread over three nodes', i => cluster.nodes[i % 3]);
} finally {
  await cluster.stop();
}
