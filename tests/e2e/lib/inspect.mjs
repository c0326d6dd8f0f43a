// Looking at what a node did: its stores (psql, chatctl), its metrics, its fault points and
// its Kafka topic (kcat).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { chatdConfig, httpsRequest, repo } from './util.mjs';

const chatctlPath = process.env.CHATCTL || path.join(repo, 'build/apps/chatctl');

/// psql on a DSN: the first column of the first row (a string), or throws.
export function sqlValue(dsn, sql) {
  const run = spawnSync('psql', [dsn, '-tAc', sql], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error('psql: ' + run.stderr);
  return run.stdout.trim();
}

/// The node id a room is active on (its owner in the rooms store of `node`).
export function ownerOf(node, roomId) {
  return sqlValue(node.dsn.rooms, `SELECT owner_node FROM rooms WHERE id = ${Number(roomId)}`);
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
    `--config-file=${chatdConfig}`,
    `--db.messages-dsn=${node.dsn.messages}`,
    `--db.rooms-dsn=${node.dsn.rooms}`,
    `--kafka.brokers=${node.bootstrap()}`,
    ...args,
  ], { encoding: 'utf8', timeout: 60000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/// A Prometheus counter or gauge of a node.
export async function metric(node, name) {
  const text = node.ca ? (await httpsRequest(node.url + '/metrics', { ca: node.ca })).text
    : await (await fetch(node.url + '/metrics')).text();
  const line = text.split('\n').find(l => l.startsWith(name + ' '));
  return line ? Number(line.split(' ')[1]) : NaN;
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

