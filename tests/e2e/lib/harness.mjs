// Starts real chatd processes for end-to-end tests and talks to them like clients do: REST
// over fetch, STOMP over WebSocket with @stomp/stompjs and ws (npm), Kafka through kcat.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';

// The fault suite (tests/fault) uses the same npm packages through this module.
export { Client, WebSocket };

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../../..');
const chatdPath = process.env.CHATD || path.join(repo, 'build/apps/chatd');
const testPg = process.env.CHAT_TEST_PG || 'host=127.0.0.1 port=5499 user=shoot';

let started = 0;

export function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/// Polls until `predicate()` is true; throws after `timeout` ms with `what`.
export async function waitFor(predicate, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(20);
  }
  throw new Error('timed out waiting for ' + what);
}

/// A TCP port on loopback that nothing listens on.
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const chatctlPath = process.env.CHATCTL || path.join(repo, 'build/apps/chatctl');
const kafkaPath = process.env.CHAT_KAFKA || path.join(repo, 'build/apps/chat-kafka');

/// A chatd node on loopback with its own databases on the test PostgreSQL (or on `pg`, a
/// libpq connection string without dbname) and, unless --kafka.brokers is given, its own
/// embedded Kafka. `args` are extra command line options. The node can be killed (-9) and
/// started again on the same databases and port. With `joining` (another node), the node
/// shares that node's databases and signing key (a cluster) and leaves the databases to it.
export async function startChatd(args = [], { pg = testPg, joining = null } = {}) {
  const id = `e2e_${process.pid}_${++started}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-e2e-'));
  const port = await freePort();
  const secret = joining ? joining.secret : crypto.randomBytes(32).toString('hex');
  const databases = joining ? [] : [`${id}_messages`, `${id}_rooms`];
  const dsn = joining ? joining.dsn
    : { messages: `${pg} dbname=${databases[0]}`, rooms: `${pg} dbname=${databases[1]}` };
  const options = [
    `--config-file=${path.join(repo, 'config/chatd.ini')}`,
    `--http.port=${port}`,
    `--node.data-dir=${dataDir}`,
    `--db.messages-dsn=${dsn.messages}`,
    `--db.rooms-dsn=${dsn.rooms}`,
    '--log.level=warn',
    ...args,
  ];
  const url = `http://127.0.0.1:${port}`;
  let proc;
  let exited;
  let output = '';
  async function launch() {
    proc = spawn(chatdPath, options, { env: { ...process.env, CHAT_JWT_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.on('data', d => { output += d; });
    proc.stderr.on('data', d => { output += d; });
    exited = new Promise(resolve => proc.on('exit', code => resolve(code)));
    const current = proc;
    try {
      await waitFor(async () => {
        if (current.exitCode !== null) throw new Error('chatd exited: ' + output);
        try {
          return (await fetch(url + '/healthz')).status === 200;
        } catch {
          return false;
        }
      }, 'chatd to answer /healthz', 30000);
    } catch (e) {
      current.kill('SIGKILL');
      throw e;
    }
  }
  await launch();
  return {
    url,
    ws: `ws://127.0.0.1:${port}/ws/chat`,
    secret,
    dsn,
    options,
    output: () => output,
    bootstrap: () => {
      const external = options.find(o => o.startsWith('--kafka.brokers='));
      if (external) return external.slice('--kafka.brokers='.length);
      return fs.readFileSync(path.join(dataDir, 'kafka.bootstrap'), 'utf8').trim();
    },
    /// kill -9: no shutdown of any kind.
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
    /// Starts the node again on the same databases and port.
    start: launch,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGINT');
        const code = await Promise.race([exited, sleep(10000).then(() => 'timeout')]);
        if (code === 'timeout') proc.kill('SIGKILL');
      }
      if (databases.length > 0)
        spawnSync('psql', [`${pg} dbname=postgres`, '-qc',
          databases.map(d => `DROP DATABASE IF EXISTS ${d} WITH (FORCE);`).join(' ')]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/// `count` chatd nodes on loopback forming a cluster: one set of databases, one chat-kafka,
/// each node published on a cluster port of its own with all of them as seeds. Resolves once
/// every node sees every other one as "up".
export async function startCluster(count, args = []) {
  const kafka = await startKafka();
  const clusterPorts = [];
  for (let i = 0; i < count; ++i) clusterPorts.push(await freePort());
  const seeds = `--cluster.seeds=[${clusterPorts.map(p => `"127.0.0.1:${p}"`).join(',')}]`;
  const nodes = [];
  for (let i = 0; i < count; ++i) {
    const options = [`--node.id=node-${i + 1}`, `--cluster.port=${clusterPorts[i]}`, seeds,
      `--kafka.brokers=${kafka.bootstrap}`, ...args];
    nodes.push(await startChatd(options, { joining: nodes[0] ?? null }));
    nodes[i].id = `node-${i + 1}`;
  }
  await waitForCluster(nodes);
  return {
    nodes,
    kafka,
    async stop() {
      // The first node owns the databases: it goes last.
      for (const node of [...nodes].reverse()) await node.stop();
      await kafka.stop();
    },
  };
}

/// Waits until every node sees all of them as members ("self" or "up").
export async function waitForCluster(nodes, timeout = 20000) {
  await waitFor(async () => {
    for (const node of nodes) {
      const view = await clusterView(node);
      if (!view || view.members.filter(m => m.state === 'up' || m.state === 'self').length !== nodes.length)
        return false;
    }
    return true;
  }, 'every node to see the whole cluster', timeout);
}

/// GET /api/v1/cluster of a node (null if it does not answer).
export async function clusterView(node) {
  try {
    const res = await fetch(node.url + '/api/v1/cluster');
    return res.status === 200 ? await res.json() : null;
  } catch {
    return null;
  }
}

/// The embedded Kafka as a process of its own (chat-kafka): it outlives chatd restarts.
export async function startKafka(brokers = 1) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-kafka-'));
  const file = path.join(dir, 'kafka.bootstrap');
  const adminPort = await freePort();
  const proc = spawn(kafkaPath, [`--brokers=${brokers}`, '--partitions=4',
    `--bootstrap-file=${file}`, `--admin-port=${adminPort}`], { stdio: 'ignore' });
  await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim() !== '',
    'chat-kafka to start', 15000);
  const bootstrap = fs.readFileSync(file, 'utf8').trim();
  return {
    bootstrap,
    /// POST /admin/kafka: {brokersDown: [ids]}, {brokersUp: [ids]}, {failProduces: n}.
    async control(body) {
      const res = await fetch(`http://127.0.0.1:${adminPort}/admin/kafka`,
        { method: 'POST', body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error('kafka admin: ' + res.status);
    },
    async stop() {
      proc.kill('SIGINT');
      await sleep(200);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const streamerPath = process.env.CHAT_STREAMER || path.join(repo, 'build/apps/chat-streamer');

/// A fresh database name on the test PostgreSQL for chat-streamer (created by whoever starts
/// first: chatd with --db.streamer-dsn, or chat-streamer).
export function streamerDsn() {
  return `${testPg} dbname=e2e_${process.pid}_${++started}_streamer`;
}

/// psql on a DSN: the first column of the first row (a string), or throws.
export function sqlValue(dsn, sql) {
  const run = spawnSync('psql', [dsn, '-tAc', sql], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error('psql: ' + run.stderr);
  return run.stdout.trim();
}

/// The node id a room is active on (its owner in the rooms store of `node`).
export function ownerOf(node, roomId) {
  return sqlValue(node.dsn.rooms, `SELECT owner_node FROM rooms WHERE id = ${Number(roomId)}`);
}

/// chat-streamer consuming a node's chat events into the database at `dsn`.
export async function startStreamer(node, dsn) {
  const proc = spawn(streamerPath, [
    `--config-file=${path.join(repo, 'config/chat-streamer.ini')}`,
    `--streamer.dsn=${dsn}`,
    `--kafka.brokers=${node.bootstrap()}`,
    `--kafka.group=e2e-${process.pid}-${++started}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', d => { output += d; });
  proc.stderr.on('data', d => { output += d; });
  const exited = new Promise(resolve => proc.on('exit', code => resolve(code)));
  await waitFor(() => {
    if (proc.exitCode !== null) throw new Error('chat-streamer exited: ' + output);
    try {
      sqlValue(dsn, 'SELECT count(*) FROM event_handled');
      return true;
    } catch {
      return false;
    }
  }, 'chat-streamer to migrate its store', 15000);
  return {
    output: () => output,
    value: sql => sqlValue(dsn, sql),
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGINT');
        await Promise.race([exited, sleep(10000)]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      const name = dsn.match(/dbname=(\S+)/)[1];
      spawnSync('psql', [`${testPg} dbname=postgres`, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
    },
  };
}

/// Arms (or with spec null, disarms) a fault point of a node started with faults enabled.
export async function fault(node, point, spec) {
  const res = spec === null
    ? await fetch(`${node.url}/admin/faults/${point}`, { method: 'DELETE' })
    : await fetch(`${node.url}/admin/faults`, { method: 'POST', body: JSON.stringify({ point, spec }) });
  if (res.status !== 200) throw new Error(`arming ${point}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function faultStats(node) {
  return (await fetch(`${node.url}/admin/faults`)).json();
}

/// Controls the node's embedded Kafka: {brokersDown: [ids]}, {brokersUp: [ids]},
/// {failProduces: n} (librdkafka's mock API, through the admin endpoint).
export async function kafkaControl(node, body) {
  const res = await fetch(`${node.url}/admin/kafka`, { method: 'POST', body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`kafka admin: ${res.status} ${await res.text()}`);
}

/// Runs chatctl against the node's stores; returns {status, stdout, stderr}.
export function chatctl(node, args) {
  const run = spawnSync(chatctlPath, [
    `--config-file=${path.join(repo, 'config/chatd.ini')}`,
    `--db.messages-dsn=${node.dsn.messages}`,
    `--db.rooms-dsn=${node.dsn.rooms}`,
    `--kafka.brokers=${node.bootstrap()}`,
    ...args,
  ], { encoding: 'utf8', timeout: 60000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/// A Prometheus counter or gauge of a node.
export async function metric(node, name) {
  const text = await (await fetch(node.url + '/metrics')).text();
  const line = text.split('\n').find(l => l.startsWith(name + ' '));
  return line ? Number(line.split(' ')[1]) : NaN;
}

/// A REST call; returns {status, body}.
export async function rest(node, method, route, body, token, raw) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = 'Bearer ' + token;
  const res = await fetch(node.url + route, {
    method, headers, body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: res.status, body: parsed };
}

/// Signs up and logs in a fresh user: {id, username, token, refresh}.
export async function newUser(node, name) {
  const username = `${name}${started}${Math.floor(Math.random() * 1e6)}`;
  const signup = await rest(node, 'POST', '/api/v1/auth/signup', { username, password: 'correct horse' });
  if (signup.status !== 201) throw new Error('signup: ' + JSON.stringify(signup));
  const login = await rest(node, 'POST', '/api/v1/auth/login', { username, password: 'correct horse' });
  if (login.status !== 200) throw new Error('login: ' + JSON.stringify(login));
  return { id: signup.body.id, username, token: login.body.accessToken, refresh: login.body.refreshToken };
}

/// A connected STOMP client (@stomp/stompjs over ws). `inbox(destination)` lists the parsed
/// bodies received on a destination; `errors` the STOMP ERROR frames.
export async function stompClient(node, token, options = {}) {
  const received = new Map();
  const errors = [];
  const client = new Client({
    webSocketFactory: () => new WebSocket(options.url || node.ws),
    connectHeaders: token === undefined ? {} : { Authorization: 'Bearer ' + token },
    reconnectDelay: 0,
    heartbeatIncoming: options.heartbeatIncoming ?? 10000,
    heartbeatOutgoing: options.heartbeatOutgoing ?? 10000,
    debug: () => {},
  });
  client.onStompError = frame => errors.push(frame);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('STOMP connect timed out')), 10000);
    client.onConnect = () => { clearTimeout(timer); resolve(); };
    client.onStompError = frame => { errors.push(frame); clearTimeout(timer); reject(new Error('STOMP error: ' + frame.headers.message)); };
    client.activate();
  });
  client.onStompError = frame => errors.push(frame);
  const inbox = destination => {
    if (!received.has(destination)) received.set(destination, []);
    return received.get(destination);
  };
  return {
    client,
    errors,
    inbox,
    /// Subscribes and waits for the server's receipt (the subscription is live then).
    subscribe(destination, headers = {}) {
      const receipt = crypto.randomUUID();
      const done = new Promise(resolve => client.watchForReceipt(receipt, resolve));
      const sub = client.subscribe(destination, msg => inbox(destination).push(JSON.parse(msg.body)),
        { ...headers, receipt });
      return done.then(() => sub);
    },
    send(destination, body) {
      client.publish({ destination, body: typeof body === 'string' ? body : JSON.stringify(body) });
    },
    close: () => client.deactivate(),
  };
}

/// Every record of the chat events topic of a node's embedded Kafka (kcat).
export function readEvents(node, topic = 'chat.events') {
  const run = spawnSync('kcat', ['-C', '-b', node.bootstrap(), '-t', topic, '-e', '-q', '-J'],
    { encoding: 'utf8', timeout: 20000 });
  if (run.status !== 0) throw new Error('kcat failed: ' + run.stderr);
  return run.stdout.split('\n').filter(Boolean).map(line => {
    const record = JSON.parse(line);
    const headers = {};
    for (let i = 0; i + 1 < (record.headers || []).length; i += 2)
      headers[record.headers[i]] = record.headers[i + 1];
    return { key: record.key, value: JSON.parse(record.payload), headers };
  });
}

/// A signed JWT made by the test itself (HS256 with `secret`, or any other header).
export function makeToken(header, claims, secret) {
  const encode = x => Buffer.from(JSON.stringify(x)).toString('base64url');
  const unsigned = encode(header) + '.' + encode(claims);
  if (!secret) return unsigned + '.';
  const signature = crypto.createHmac('sha256', secret).update(unsigned).digest('base64url');
  return unsigned + '.' + signature;
}
