// A bounded concurrent load of real clients for fault scenarios. Every status a client is
// told goes into a log (JSON lines for `chatctl verify --client-log`). Clients reconnect
// after a disconnect and send again every message without a final status, with the same
// tempId, as a chat client must.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { Client, WebSocket, chatctl, metric, newUser, rest, sleep, startChatd, waitFor } from '../e2e/lib/harness.mjs';

/// Short timeouts and bounds so that faults resolve within seconds; the rate limit is out of
/// the way (the load is bounded by the scenario itself).
export const faultOptions = [
  '--faults.enabled',
  '--saga.step-timeout=1s',
  '--db.lock-timeout=500ms',
  '--saga.compensation-attempts=3',
  '--saga.compensation-backoff=50ms',
  '--recovery.pending-age=4s',
  '--recovery.interval=1s',
  '--gateway.send-rate=100000',
  '--gateway.send-burst=100000',
  '--outbox.poll-interval=200ms',
  '--outbox.retry-backoff=50ms',
  '--outbox.max-attempts=1000',
  '--kafka.delivery-timeout=3s',
];

/// A chatd node with fault injection enabled.
export function startFaultNode(args = [], options = {}) {
  return startChatd([...faultOptions, ...args], options);
}

/// The preamble of a fault suite: one fault node for the whole file, started before its
/// scenarios and stopped after them. Returns the node (usable once the scenarios run).
export function useFaultNode(args = [], options = {}) {
  let node;
  before(async () => {
    node = await startFaultNode(args, options);
  });
  after(async () => {
    await node?.stop();
  });
  return new Proxy({}, {
    get(_, key) {
      if (!node) throw new Error('the fault node is not started yet');
      const value = node[key];
      return typeof value === 'function' ? value.bind(node) : value;
    },
  });
}

// Every client of the file's scenarios, closed at its end even when a scenario failed midway
// (a reconnecting client would keep the test process alive).
const liveClients = new Set();
after(() => {
  for (const c of liveClients) c.close();
});

/// Users, their shared rooms and one reconnecting STOMP client per user. With `nodes` (a
/// cluster), client i connects to nodes[i % n], and after a disconnect to the next node not
/// marked `dead`.
export async function setupLoad(node, { users = 4, rooms = 2, nodes = [node] } = {}) {
  const people = [];
  for (let i = 0; i < users; ++i)
    people.push(await newUser(node, 'load' + i));
  const roomIds = [];
  for (let i = 0; i < rooms; ++i) {
    const created = await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'load ' + i, type: 'GROUP', participantIds: people.slice(1).map(p => p.id) }, people[0].token);
    if (created.status !== 201) throw new Error('room: ' + JSON.stringify(created));
    roomIds.push(created.body.id);
  }
  const log = [];
  const clients = people.map((person, index) => makeClient(nodes, person, roomIds, log, index));
  for (const c of clients) liveClients.add(c);
  await Promise.all(clients.map(c => c.ready()));
  return { people, roomIds, log, clients };
}

function makeClient(nodes, person, roomIds, log, index) {
  const pending = new Map(); // tempId -> {roomId, content, at}
  const final = new Map(); // tempId -> status
  const latencies = []; // ms from the first send to the final answer
  // roomId -> seqs delivered on /topic/messages, in arrival order; re-subscribing after a
  // reconnect asks for everything after the last one (since-seq).
  const delivered = new Map(roomIds.map(id => [id, []]));
  let connectedOnce;
  const firstConnect = new Promise(resolve => { connectedOnce = resolve; });
  const client = new Client({
    webSocketFactory: () => {
      for (let k = 0; k < nodes.length; ++k) {
        const target = nodes[(index + k) % nodes.length];
        if (!target.dead) {
          state.node = target;
          return new WebSocket(target.ws);
        }
      }
      return new WebSocket(nodes[index % nodes.length].ws);
    },
    connectHeaders: { Authorization: 'Bearer ' + person.token },
    reconnectDelay: 200,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    debug: () => {},
  });
  const state = { person, pending, final, latencies, delivered, client, reconnects: -1, resent: 0, silentResends: 0, sent: 0 };
  client.onConnect = () => {
    ++state.reconnects;
    const receipts = [];
    for (const roomId of roomIds) {
      client.subscribe(`/topic/message/status/${roomId}`, msg => {
        const status = JSON.parse(msg.body);
        log.push({ senderId: person.id, roomId, at: Date.now(), ...status });
        if (status.status === 'SAVED' || status.status === 'FAILED') {
          if (!final.has(status.tempId) || status.status === 'SAVED')
            final.set(status.tempId, status.status);
          const m = pending.get(status.tempId);
          if (m) latencies.push(Date.now() - m.at);
          pending.delete(status.tempId);
        }
      });
      const seqs = delivered.get(roomId);
      // The receipt says the subscription is live: the load starts sending only then, so that
      // every client receives every message (a subscription without since-seq starts live).
      const receipt = `live-${roomId}-${state.reconnects}`;
      receipts.push(new Promise(resolve => client.watchForReceipt(receipt, resolve)));
      const headers = seqs.length ? { 'since-seq': String(seqs[seqs.length - 1]) } : {};
      client.subscribe(`/topic/messages/${roomId}`, msg => seqs.push(JSON.parse(msg.body).seq), { ...headers, receipt });
    }
    // After a disconnect: every message without a final answer goes again, same tempId.
    if (state.reconnects > 0)
      for (const [tempId, m] of pending) {
        ++state.resent;
        publish(tempId, m);
      }
    Promise.all(receipts).then(() => connectedOnce());
  };
  function publish(tempId, m) {
    try {
      client.publish({ destination: '/app/chat', body: JSON.stringify({ roomId: m.roomId, content: m.content, tempId }) });
    } catch {
      // Not connected: sent again after the reconnect.
    }
  }
  client.activate();
  return {
    state,
    ready: () => firstConnect,
    send(roomId, tempId, content) {
      pending.set(tempId, { roomId, content, at: Date.now() });
      ++state.sent;
      publish(tempId, { roomId, content });
    },
    inFlight: () => pending.size,
    /// Sends again, same tempId, every message that has waited longer than `ageMs` for its
    /// final answer (at most once per `ageMs` each), as a client that gives up waiting does.
    resendSilent(ageMs) {
      const now = Date.now();
      for (const [tempId, m] of pending) {
        if (now - (m.resentAt ?? m.at) < ageMs) continue;
        m.resentAt = now;
        ++state.silentResends;
        publish(tempId, m);
      }
    },
    /// Sends again a message that already has its answer (a client that lost it).
    resend(tempId, roomId, content) {
      ++state.resent;
      publish(tempId, { roomId, content });
    },
    close: () => client.deactivate(),
    /// Drops the WebSocket without any goodbye (the client reconnects).
    drop: () => client.forceDisconnect(),
  };
}

/// Sends `perClient` messages from each client, at most `window` in flight per client,
/// round-robin over the rooms; `during()` runs once after `faultAfter` messages. TempIds are
/// `c<client>-<prefix><i>`: a second round on the same clients needs another prefix. With
/// `resendAfter` (ms), clients send again what waited that long for its answer.
export async function runLoad(load, {
  perClient = 100, window = 10, timeout = 60000, during, faultAfter, prefix = 'm', resendAfter,
} = {}) {
  const deadline = Date.now() + timeout;
  let total = 0;
  let triggered = !during;
  const tasks = load.clients.map(async (c, ci) => {
    for (let i = 0; i < perClient; ++i) {
      while (c.inFlight() >= window) {
        if (Date.now() > deadline) return;
        await sleep(2);
      }
      const roomId = load.roomIds[(ci + i) % load.roomIds.length];
      c.send(roomId, `c${ci}-${prefix}${i}`, `message ${prefix}${i} of client ${ci}`);
      ++total;
      if (!triggered && total >= (faultAfter ?? 0)) {
        triggered = true;
        during();
      }
    }
  });
  const resender = resendAfter && setInterval(() => {
    for (const c of load.clients) c.resendSilent(resendAfter);
  }, Math.min(resendAfter, 1000));
  await Promise.all(tasks);
  // Every message gets a final answer (a reconnect re-sends the unanswered ones).
  try {
    await waitFor(() => load.clients.every(c => c.inFlight() === 0), 'every message answered',
      Math.max(1000, deadline - Date.now()));
  } catch (e) {
    throw new Error(`${e.message}; unanswered: ${unanswered(load).slice(0, 12).join(', ')}`);
  } finally {
    if (resender) clearInterval(resender);
  }
}

/// The messages still without a final answer: tempId, room, the client's node, age.
function unanswered(load) {
  const now = Date.now();
  return load.clients.flatMap(c => [...c.state.pending].map(([tempId, m]) =>
    `${tempId} room ${m.roomId} via ${c.state.node?.id ?? c.state.node?.url} ` +
    `(${Math.round((now - m.at) / 1000)} s, ${c.state.reconnects} reconnects)`));
}

/// Waits until no saga runs and the outbox is empty.
export async function settle(node, timeout = 30000) {
  let quiet = 0;
  await waitFor(async () => {
    const running = await metric(node, 'chat_sagas_running');
    const backlog = await metric(node, 'chat_outbox_backlog');
    quiet = running === 0 && backlog === 0 ? quiet + 1 : 0;
    return quiet >= 3;
  }, 'the node to settle', timeout);
}

/// chatctl verify with the clients' log; returns the parsed report.
export function verify(node, load, extra = []) {
  const file = path.join(os.tmpdir(), `client-log-${process.pid}-${Date.now()}.jsonl`);
  fs.writeFileSync(file, load.log.map(e => JSON.stringify(e)).join('\n') + '\n');
  // Unfinished work older than recovery's bound (pending-age + two sweeps) is a violation.
  const age = extra.some(a => a.startsWith('--max-pending-age=')) ? [] : ['--max-pending-age=6s'];
  const run = chatctl(node, ['verify', `--client-log=${file}`, '--json', ...age, ...extra]);
  fs.rmSync(file, { force: true });
  let report = null;
  try { report = JSON.parse(run.stdout); } catch { /* reported below */ }
  if (!report) throw new Error('chatctl verify: ' + run.stderr + run.stdout);
  report.status = run.status;
  return report;
}

/// Checks what subscribers received on /topic/messages: per room, strictly increasing seqs
/// (no duplicate, no reordering, across reconnects), and every message any client was told
/// SAVED, at the seq it was told. Waits up to `timeout` for the last deliveries.
export async function assertDelivered(assert, load, timeout = 10000) {
  const savedSeqs = new Map(load.roomIds.map(id => [id, new Set()]));
  for (const entry of load.log)
    if (entry.status === 'SAVED') savedSeqs.get(entry.roomId)?.add(entry.seq);
  const missing = () => {
    const gaps = [];
    for (const c of load.clients)
      for (const [roomId, seqs] of c.state.delivered) {
        const got = new Set(seqs);
        for (const seq of savedSeqs.get(roomId))
          if (!got.has(seq)) gaps.push(`${c.state.person.username} room ${roomId} seq ${seq}`);
      }
    return gaps;
  };
  try {
    await waitFor(() => missing().length === 0, 'every SAVED message to be delivered', timeout);
  } catch {
    assert.deepEqual(missing().slice(0, 10), [], 'SAVED messages never delivered');
  }
  for (const c of load.clients)
    for (const [roomId, seqs] of c.state.delivered) {
      const disorder = seqs.filter((seq, i) => i > 0 && seq <= seqs[i - 1]);
      assert.deepEqual(disorder, [], `room ${roomId}: duplicate or out-of-order deliveries`);
    }
}

/// Runs verify until everything holds or recovery's bound (pending-age plus two sweeps, and
/// a margin) has passed: work left unfinished by a fault may take that long to resolve.
export async function verifyWithin(node, load, bound = 8000, extra = []) {
  const deadline = Date.now() + bound;
  for (;;) {
    const report = verify(node, load, extra);
    if (report.status === 0 || Date.now() > deadline) return report;
    await sleep(500);
  }
}

/// A one-line account of a scenario, for docs/fault-tolerance.md.
export function summary(name, load, report, extra = {}) {
  const told = { SAVED: 0, FAILED: 0 };
  for (const c of load.clients)
    for (const status of c.state.final.values()) ++told[status];
  const lost = report.invariants.filter(i => i.name === 'saved-but-missing' || i.name === 'lost-messages')
    .reduce((n, i) => n + i.count, 0);
  const duplicates = report.invariants.filter(i => i.name === 'duplicate-temp-ids' || i.name === 'duplicate-events')
    .reduce((n, i) => n + i.count, 0);
  const latencies = load.clients.flatMap(c => c.state.latencies).sort((a, b) => a - b);
  const line = {
    scenario: name,
    sent: load.clients.reduce((n, c) => n + c.state.sent, 0),
    resent: load.clients.reduce((n, c) => n + c.state.resent, 0),
    resentAfterSilence: load.clients.reduce((n, c) => n + c.state.silentResends, 0),
    saved: told.SAVED,
    failed: told.FAILED,
    lost,
    duplicates,
    maxAnswerMs: latencies.length ? latencies[latencies.length - 1] : null,
    ...extra,
  };
  console.log('SCENARIO ' + JSON.stringify(line));
  return line;
}

/// Asserts the report: every invariant holds.
export function assertHolds(assert, report) {
  const broken = report.invariants.filter(i => i.count > 0);
  assert.deepEqual(broken.map(i => `${i.name}=${i.count} e.g. ${i.examples.join('; ')}`), []);
  assert.equal(report.status, 0);
}
