// The processes of the end-to-end suites: chatd nodes (alone or as a cluster), chat-kafka
// (the embedded Kafka as a process of its own) and chat-streamer, on loopback.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

import { sqlValue } from './inspect.mjs';
import { chatdConfig, freePort, httpsRequest, repo, sleep, testPg, unique, waitFor } from './util.mjs';

// Every process a suite started and has not seen exit. A test that fails before its
// `finally` (or has none) must not leave them running: that would keep the suite's process
// alive until CTest's timeout. After the file's last test, whatever is left is killed.
const running = new Set();
function track(proc) {
  running.add(proc);
  proc.on('exit', () => running.delete(proc));
  return proc;
}
after(() => {
  for (const proc of running) proc.kill('SIGKILL');
});

const chatdPath = process.env.CHATD || path.join(repo, 'build/apps/chatd');
const kafkaPath = process.env.CHAT_KAFKA || path.join(repo, 'build/apps/chat-kafka');
/// A chatd node on loopback with its own databases on the test PostgreSQL (or on `pg`, a
/// libpq connection string without dbname) and, unless --kafka.brokers is given, its own
/// embedded Kafka. `args` are extra command line options. The node can be killed (-9) and
/// started again on the same databases and port. With `joining` (another node), the node
/// shares that node's databases and signing key (a cluster) and leaves the databases to it.
/// `fdLimit`: the node runs with that descriptor limit (ulimit -n). `tls` ({cert, key}: PEM file
/// paths): the node speaks only https/wss, and its `ca` is the certificate to trust. `netns`: the
/// node runs in that network namespace (`ip netns exec`) and listens on `address` there.
export async function startChatd(args = [],
  { pg = testPg, joining = null, fdLimit = null, tls = null, netns = null, address = '127.0.0.1' } = {}) {
  const id = `e2e_${process.pid}_${unique()}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-e2e-'));
  const port = await freePort();
  const secret = joining ? joining.secret : crypto.randomBytes(32).toString('hex');
  const databases = joining ? [] : [`${id}_messages`, `${id}_rooms`];
  const dsn = joining ? joining.dsn
    : { messages: `${pg} dbname=${databases[0]}`, rooms: `${pg} dbname=${databases[1]}` };
  const options = [
    `--config-file=${chatdConfig}`,
    `--http.address=${address}`,
    `--http.port=${port}`,
    `--node.data-dir=${dataDir}`,
    `--db.messages-dsn=${dsn.messages}`,
    `--db.rooms-dsn=${dsn.rooms}`,
    '--log.level=warn',
    ...(tls ? [`--http.tls-cert=${tls.cert}`, `--http.tls-key=${tls.key}`] : []),
    ...args,
  ];
  const scheme = tls ? 'https' : 'http';
  const url = `${scheme}://${address}:${port}`;
  const ca = tls ? fs.readFileSync(tls.cert) : undefined;
  let proc;
  let exited;
  let output = '';
  async function launch() {
    let [program, argv] = fdLimit === null ? [chatdPath, options]
      : ['/bin/sh', ['-c', `ulimit -n ${Number(fdLimit)} && exec "$0" "$@"`, chatdPath, ...options]];
    if (netns) [program, argv] = ['ip', ['netns', 'exec', netns, program, ...argv]];
    proc = track(spawn(program, argv, { env: { ...process.env, CHAT_JWT_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'] }));
    proc.stdout.on('data', d => { output += d; });
    proc.stderr.on('data', d => { output += d; });
    exited = new Promise(resolve => proc.on('exit', code => resolve(code)));
    const current = proc;
    try {
      await waitFor(async () => {
        if (current.exitCode !== null) throw new Error('chatd exited: ' + output);
        try {
          if (ca) return (await httpsRequest(url + '/healthz', { ca })).status === 200;
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
    ws: `${tls ? 'wss' : 'ws'}://${address}:${port}/ws/chat`,
    ca,
    secret,
    dsn,
    options,
    output: () => output,
    /// The running process's id (for /proc figures).
    pid: () => proc.pid,
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
    const res = await fetch(node.url + '/api/v1/cluster', { signal: AbortSignal.timeout(5000) });
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
  const proc = track(spawn(kafkaPath, [`--brokers=${brokers}`, '--partitions=4',
    `--bootstrap-file=${file}`, `--admin-port=${adminPort}`], { stdio: 'ignore' }));
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
  return `${testPg} dbname=e2e_${process.pid}_${unique()}_streamer`;
}

/// chat-streamer consuming a node's chat events into the database at `dsn`.
export async function startStreamer(node, dsn) {
  const proc = track(spawn(streamerPath, [
    `--config-file=${path.join(repo, 'config/chat-streamer.ini')}`,
    `--streamer.dsn=${dsn}`,
    `--kafka.brokers=${node.bootstrap()}`,
    `--kafka.group=e2e-${process.pid}-${unique()}`,
    '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] }));
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

