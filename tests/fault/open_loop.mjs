// An open-loop load of real STOMP clients (@stomp/stompjs over ws) for the overload and soak
// scripts. Sends leave at the offered rate whatever the answers: a closed loop slows down with
// the server and hides its queues. Every send's answer and latency go to the phase it was sent
// in; the node's own figures (RSS, descriptors, sagas in flight, outbox backlog, CPU) are read
// from /metrics and /proc. Clients reconnect after a drop and send again, with the same
// tempId, what had no final answer.
import fs from 'node:fs';

import { Client, WebSocket, newUser, rest, sleep, waitFor } from '../e2e/lib/harness.mjs';

/// Options for a node under load: the per-user rate limit out of the way (the load sets the
/// rate), warnings only.
export const loadOptions = ['--gateway.send-rate=100000', '--gateway.send-burst=100000'];

/// `rooms` GROUP rooms of `members` users each; every user has one client, subscribed to its
/// room's messages and to its own statuses, and sends into its room.
export async function setupRooms(node, { rooms = 10, members = 2 } = {}) {
  const clients = [];
  for (let r = 0; r < rooms; ++r) {
    const people = [];
    for (let m = 0; m < members; ++m) people.push(await newUser(node, `r${r}m${m}_`));
    const created = await rest(node, 'POST', '/api/v1/chatrooms',
      { title: `load ${r}`, type: 'GROUP', participantIds: people.slice(1).map(p => p.id) }, people[0].token);
    if (created.status !== 201) throw new Error('room: ' + JSON.stringify(created));
    for (const person of people) clients.push(openClient(node, person, created.body.id));
  }
  await Promise.all(clients.map(c => c.ready));
  return new Load(clients);
}

function openClient(node, person, roomId) {
  const c = {
    person, roomId, connected: false, reconnects: -1,
    pending: new Map(), // tempId -> {phase, at, content}
    delivered: new Set(), // seqs seen on /topic/messages
    lastSeq: 0, disorder: 0,
    onFinal: null,
  };
  let markReady;
  c.ready = new Promise(resolve => { markReady = resolve; });
  const client = new Client({
    webSocketFactory: () => new WebSocket(node.ws),
    connectHeaders: { Authorization: 'Bearer ' + person.token },
    reconnectDelay: 200,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    debug: () => {},
  });
  client.onConnect = () => {
    ++c.reconnects;
    client.subscribe(`/topic/message/status/${roomId}`, frame => {
      const status = JSON.parse(frame.body);
      if (status.status !== 'SAVED' && status.status !== 'FAILED') return;
      const sent = c.pending.get(status.tempId);
      if (!sent) return;
      c.pending.delete(status.tempId);
      c.onFinal?.(sent, status, Date.now() - sent.at);
    });
    const receipt = `live-${c.reconnects}`;
    client.watchForReceipt(receipt, () => {
      c.connected = true;
      // After a drop: every message without a final answer goes again, same tempId.
      for (const [tempId, m] of c.pending) publish(tempId, m.content);
      markReady();
    });
    const headers = c.lastSeq ? { 'since-seq': String(c.lastSeq) } : {};
    client.subscribe(`/topic/messages/${roomId}`, frame => {
      const { seq } = JSON.parse(frame.body);
      if (seq <= c.lastSeq) ++c.disorder;
      else c.lastSeq = seq;
      c.delivered.add(seq);
    }, { ...headers, receipt });
  };
  client.onWebSocketClose = () => { c.connected = false; };
  function publish(tempId, content) {
    if (!c.connected) return; // sent again after the reconnect
    try {
      client.publish({ destination: '/app/chat', body: JSON.stringify({ roomId, content, tempId }) });
    } catch {
      c.connected = false;
    }
  }
  c.send = (tempId, phase) => {
    const content = `${phase} ${tempId}`;
    c.pending.set(tempId, { phase, at: Date.now(), content });
    publish(tempId, content);
  };
  c.drop = () => { c.connected = false; client.forceDisconnect(); };
  c.close = () => client.deactivate();
  client.activate();
  return c;
}

/// What a phase's sends were answered: counts and latencies (ms from the first send).
class Phase {
  constructor(name, rate) {
    Object.assign(this, { name, rate, sent: 0, saved: 0, overloaded: 0, failed: 0, failedCodes: {},
      savedMs: [], overloadedMs: [], startedAt: Date.now(), endedAt: null });
  }

  record(status, ms) {
    if (status.status === 'SAVED') {
      ++this.saved;
      this.savedMs.push(ms);
    } else if (status.errorCode === 'OVERLOADED') {
      ++this.overloaded;
      this.overloadedMs.push(ms);
    } else {
      ++this.failed;
      this.failedCodes[status.errorCode] = (this.failedCodes[status.errorCode] ?? 0) + 1;
    }
  }
}

export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export class Load {
  constructor(clients) {
    this.clients = clients;
    this.phases = new Map();
    this.counter = 0;
    this.savedSeqs = new Map(); // roomId -> Set of seqs told SAVED
    for (const c of clients) {
      this.savedSeqs.set(c.roomId, this.savedSeqs.get(c.roomId) ?? new Set());
      c.onFinal = (sent, status, ms) => {
        this.phases.get(sent.phase)?.record(status, ms);
        if (status.status === 'SAVED') this.savedSeqs.get(c.roomId).add(status.seq);
      };
    }
  }

  pending() {
    return this.clients.reduce((n, c) => n + c.pending.size, 0);
  }

  sendOne(phase) {
    const c = this.clients[this.counter % this.clients.length];
    c.send(`${phase.name}-${++this.counter}`, phase.name);
    ++phase.sent;
  }

  /// Sends at `rate` per second for `seconds` (open loop: 5 ms ticks, whatever the answers),
  /// or, with `window`, keeps that many sends in flight (closed loop, to find the capacity).
  async run(name, { rate = 0, seconds, window = 0, onTick } = {}) {
    const phase = new Phase(name, rate);
    this.phases.set(name, phase);
    const started = Date.now();
    const end = started + seconds * 1000;
    while (Date.now() < end) {
      if (window) {
        while (this.pending() < window) this.sendOne(phase);
      } else {
        const due = Math.floor(rate * (Date.now() - started) / 1000) - phase.sent;
        for (let i = 0; i < due; ++i) this.sendOne(phase);
      }
      onTick?.();
      await sleep(5);
    }
    phase.endedAt = Date.now();
    return phase;
  }

  /// Waits until every send has its final answer (or `timeout` ms); returns how many have none.
  async drain(timeout = 30000) {
    try {
      await waitFor(() => this.pending() === 0, 'every send answered', timeout);
    } catch {
      // reported as unanswered
    }
    return this.pending();
  }

  /// Per room, the seqs told SAVED that are not stored as committed messages (stored, no
  /// pending saga row).
  lost(node, sqlValue) {
    let lost = 0;
    for (const [roomId, seqs] of this.savedSeqs) {
      const stored = new Set(sqlValue(node.dsn.messages,
        `SELECT string_agg(m.seq::text, ',') FROM messages m WHERE m.room_id = ${Number(roomId)} ` +
        'AND NOT EXISTS (SELECT 1 FROM message_pending p WHERE p.id = m.id)')
        .split(',').filter(Boolean).map(Number));
      for (const seq of seqs) if (!stored.has(seq)) ++lost;
    }
    return lost;
  }

  /// Seqs told SAVED that a member's client never received, and deliveries out of order.
  undelivered() {
    let missing = 0;
    for (const c of this.clients)
      for (const seq of this.savedSeqs.get(c.roomId)) if (!c.delivered.has(seq)) ++missing;
    return { missing, disorder: this.clients.reduce((n, c) => n + c.disorder, 0) };
  }

  close() {
    for (const c of this.clients) c.close();
  }
}

/// The node's figures: from /metrics and the CPU time of its process (/proc/<pid>/stat).
export async function sampleNode(node) {
  const text = await (await fetch(node.url + '/metrics', { signal: AbortSignal.timeout(5000) })).text();
  const value = name => {
    const match = text.match(new RegExp(`^${name} (\\S+)$`, 'm'));
    return match ? Number(match[1]) : null;
  };
  return {
    at: Date.now(),
    rssMiB: value('process_resident_memory_bytes') / 1048576,
    fds: value('process_open_fds'),
    sagasRunning: value('chat_sagas_running'),
    outboxBacklog: value('chat_outbox_backlog'),
    connections: value('chat_connections_open'),
    cpuSeconds: cpuSeconds(node.pid()),
  };
}

function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
  } catch {
    return null;
  }
}

/// Reads `--name=value` arguments over `defaults` (numbers stay numbers).
export function parseArgs(defaults) {
  const result = { ...defaults };
  for (const arg of process.argv.slice(2)) {
    const match = arg.match(/^--([\w-]+)(?:=(.*))?$/);
    if (!match) throw new Error('unknown argument ' + arg);
    const [, key, raw = 'true'] = match;
    const name = key.replace(/-(\w)/g, (_, ch) => ch.toUpperCase());
    if (!(name in defaults)) throw new Error('unknown option --' + key);
    result[name] = typeof defaults[name] === 'number' ? Number(raw)
      : typeof defaults[name] === 'boolean' ? raw !== 'false' : raw;
  }
  return result;
}
