// Soak: one node at half its sustainable rate for a long time (30 minutes by default) with
// clients that drop their connections and reconnect, re-sending what had no answer. Every
// 10 s a row goes to a CSV: the node's RSS, descriptors, sagas in flight, outbox backlog,
// connections, CPU, and the window's latency percentiles and answers; an SVG plots them. At
// the end: RSS growth, errors, and what was lost (SAVED but not stored) or never delivered.
// Not part of the test suite (it asserts nothing); run by hand, bounded by --minutes:
//   node tests/fault/soak.mjs [--minutes=30] [--rate=R (default: half of a 12 s closed-loop
//        capacity run)] [--rooms=10] [--members=2] [--drop-every=120 (s, per client)]
//        [--out=build/soak]
// with CHAT_TEST_PG pointing at a PostgreSQL (default: the test cluster on port 5499, e.g.
// scripts/pg start build/test-pg 5499).
import fs from 'node:fs';
import path from 'node:path';

import { repo, sleep, sqlValue, startChatd } from '../e2e/lib/harness.mjs';
import { loadOptions, parseArgs, percentile, sampleNode, setupRooms } from './open_loop.mjs';
import { svgPanels } from './plot.mjs';

const options = parseArgs({
  minutes: 30, rate: 0, rooms: 10, members: 2, dropEvery: 120, out: path.join(repo, 'build/soak'),
});
fs.mkdirSync(options.out, { recursive: true });
const csvFile = path.join(options.out, 'soak.csv');
const svgFile = path.join(options.out, 'soak.svg');
const node = await startChatd(loadOptions);
let load;
try {
  load = await setupRooms(node, options);
  await load.run('warm-up', { rate: 200, seconds: 3 });
  await load.drain();
  let rate = options.rate;
  if (!rate) {
    const capacity = await load.run('capacity', { window: 256, seconds: 12 });
    await load.drain();
    rate = Math.round(capacity.saved / ((capacity.endedAt - capacity.startedAt) / 1000) / 2);
  }
  console.log(`soak: ${options.minutes} min at ${rate} msg/s, ${load.clients.length} clients, ` +
    `each dropping its connection about every ${options.dropEvery} s`);

  const rows = [];
  const columns = ['t_s', 'rss_mib', 'fds', 'sagas_running', 'outbox_backlog', 'connections',
    'chatd_cpu_pct', 'sent', 'saved', 'overloaded', 'failed', 'pending', 'p50_ms', 'p99_ms', 'reconnects'];
  fs.writeFileSync(csvFile, columns.join(',') + '\n');
  const started = Date.now();
  let last = await sampleNode(node);
  let seen = 0;
  const nextDrop = load.clients.map(() => started + options.dropEvery * 1000 * Math.random());
  const record = async phase => {
    const sample = await sampleNode(node);
    const window = phase.savedMs.slice(seen);
    seen = phase.savedMs.length;
    const row = {
      t_s: Math.round((sample.at - started) / 1000),
      rss_mib: Number(sample.rssMiB.toFixed(1)),
      fds: sample.fds,
      sagas_running: sample.sagasRunning,
      outbox_backlog: sample.outboxBacklog,
      connections: sample.connections,
      chatd_cpu_pct: Math.round(100 * (sample.cpuSeconds - last.cpuSeconds) / ((sample.at - last.at) / 1000)),
      sent: phase.sent,
      saved: phase.saved,
      overloaded: phase.overloaded,
      failed: phase.failed,
      pending: load.pending(),
      p50_ms: percentile(window, 0.5),
      p99_ms: percentile(window, 0.99),
      reconnects: load.clients.reduce((n, c) => n + c.reconnects, 0),
    };
    last = sample;
    rows.push(row);
    fs.appendFileSync(csvFile, columns.map(c => row[c] ?? '').join(',') + '\n');
  };
  let phase;
  let recording = Promise.resolve();
  let nextRow = started + 10000;
  phase = await load.run('soak', {
    rate,
    seconds: options.minutes * 60,
    onTick: () => {
      const now = Date.now();
      load.clients.forEach((c, i) => {
        if (now < nextDrop[i]) return;
        nextDrop[i] = now + options.dropEvery * 1000 * (0.5 + Math.random());
        c.drop();
      });
      if (now >= nextRow) {
        nextRow += 10000;
        recording = recording.then(() => record(load.phases.get('soak'))).catch(() => {});
      }
    },
  });
  const unanswered = await load.drain(60000);
  await recording;
  await record(phase);
  // The node settles: nothing in flight, the outbox published.
  for (let i = 0; i < 60; ++i) {
    const s = await sampleNode(node);
    if (s.sagasRunning === 0 && s.outboxBacklog === 0) break;
    await sleep(500);
  }
  await sleep(1000); // the last deliveries
  const lost = load.lost(node, sqlValue);
  const delivery = load.undelivered();
  const minuteRows = rows.filter(r => r.t_s > 0 && r.t_s <= 70);
  const lastRows = rows.slice(-6);
  const mean = list => list.reduce((n, r) => n + r.rss_mib, 0) / Math.max(1, list.length);
  const result = {
    date: new Date().toISOString(),
    options: { ...options, rate },
    sent: phase.sent,
    saved: phase.saved,
    overloaded: phase.overloaded,
    failed: phase.failed,
    failedCodes: phase.failedCodes,
    unanswered,
    lost,
    undelivered: delivery.missing,
    outOfOrder: delivery.disorder,
    reconnects: load.clients.reduce((n, c) => n + c.reconnects, 0),
    rssFirstMinuteMiB: Number(mean(minuteRows).toFixed(1)),
    rssLastMinuteMiB: Number(mean(lastRows).toFixed(1)),
    fdsFirst: rows[0]?.fds,
    fdsLast: rows[rows.length - 1]?.fds,
    p99MsMedianOfWindows: percentile(rows.map(r => r.p99_ms).filter(Number.isFinite), 0.5),
    p99MsWorstWindow: Math.max(...rows.map(r => r.p99_ms).filter(Number.isFinite)),
  };
  fs.writeFileSync(svgFile, svgPanels(rows.map(r => ({ ...r, t_min: r.t_s / 60 })), {
    x: 't_min',
    xLabel: 'minutes',
    title: `soak: ${rate} msg/s, ${load.clients.length} reconnecting clients (${result.date.slice(0, 10)})`,
    panels: [
      { title: 'chatd resident memory', keys: ['rss_mib'], unit: 'MiB' },
      { title: 'chatd open descriptors', keys: ['fds'] },
      { title: 'latency of SAVED answers, per 10 s', keys: ['p50_ms', 'p99_ms'], unit: 'ms' },
      { title: 'queues', keys: ['sagas_running', 'pending', 'outbox_backlog'] },
    ],
  }));
  console.log('RESULT ' + JSON.stringify(result));
  console.log(`rows: ${csvFile}; plot: ${svgFile}`);
} finally {
  load?.close();
  await node.stop();
}
process.exit(0);
