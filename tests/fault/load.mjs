// A bounded concurrent load of real clients for fault scenarios. Every status a client is
// told goes into a log (JSON lines for `chatctl verify --client-log`). Clients reconnect
// after a disconnect and send again every message without a final status, with the same
// tempId, as a chat client must.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';

import { chatctl, metric, newUser, rest, sleep, waitFor } from '../e2e/lib/harness.mjs';

/// Users, their shared rooms and one reconnecting STOMP client per user.
export async function setupLoad(node, { users = 4, rooms = 2 } = {}) {
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
  const clients = people.map((person, index) => makeClient(node, person, roomIds, log, index));
  await Promise.all(clients.map(c => c.ready()));
  return { people, roomIds, log, clients };
}

function makeClient(node, person, roomIds, log, index) {
  const pending = new Map(); // tempId -> {roomId, content}
  const final = new Map(); // tempId -> status
  let connectedOnce;
  const firstConnect = new Promise(resolve => { connectedOnce = resolve; });
  const client = new Client({
    webSocketFactory: () => new WebSocket(node.ws),
    connectHeaders: { Authorization: 'Bearer ' + person.token },
    reconnectDelay: 200,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    debug: () => {},
  });
  const state = { person, pending, final, client, reconnects: -1, resent: 0, sent: 0 };
  client.onConnect = () => {
    ++state.reconnects;
    for (const roomId of roomIds)
      client.subscribe(`/topic/message/status/${roomId}`, msg => {
        const status = JSON.parse(msg.body);
        log.push({ senderId: person.id, ...status });
        if (status.status === 'SAVED' || status.status === 'FAILED') {
          if (!final.has(status.tempId) || status.status === 'SAVED')
            final.set(status.tempId, status.status);
          pending.delete(status.tempId);
        }
      });
    // After a disconnect: every message without a final answer goes again, same tempId.
    if (state.reconnects > 0)
      for (const [tempId, m] of pending) {
        ++state.resent;
        publish(tempId, m);
      }
    connectedOnce();
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
      pending.set(tempId, { roomId, content });
      ++state.sent;
      publish(tempId, { roomId, content });
    },
    inFlight: () => pending.size,
    close: () => client.deactivate(),
    /// Drops the WebSocket without any goodbye (the client reconnects).
    drop: () => client.forceDisconnect(),
  };
}

/// Sends `perClient` messages from each client, at most `window` in flight per client,
/// round-robin over the rooms; `during(progress)` runs once after `faultAfter` messages.
export async function runLoad(load, { perClient = 100, window = 10, timeout = 60000, during, faultAfter } = {}) {
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
      c.send(roomId, `c${ci}-m${i}`, `message ${i} of client ${ci}`);
      ++total;
      if (!triggered && total >= (faultAfter ?? 0)) {
        triggered = true;
        during();
      }
    }
  });
  await Promise.all(tasks);
  // Every message gets a final answer (a reconnect re-sends the unanswered ones).
  await waitFor(() => load.clients.every(c => c.inFlight() === 0), 'every message answered',
    Math.max(1000, deadline - Date.now()));
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
  const run = chatctl(node, ['verify', `--client-log=${file}`, '--json', ...extra]);
  fs.rmSync(file, { force: true });
  let report = null;
  try { report = JSON.parse(run.stdout); } catch { /* reported below */ }
  if (!report) throw new Error('chatctl verify: ' + run.stderr + run.stdout);
  report.status = run.status;
  return report;
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
  const line = {
    scenario: name,
    sent: load.clients.reduce((n, c) => n + c.state.sent, 0),
    resent: load.clients.reduce((n, c) => n + c.state.resent, 0),
    saved: told.SAVED,
    failed: told.FAILED,
    lost,
    duplicates,
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
