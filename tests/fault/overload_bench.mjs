// Overload: one node first driven to find what it sustains (a closed loop), then offered half
// of that and twice that, open loop. Shows that at twice the sustainable rate the node answers
// every send (SAVED, or FAILED with OVERLOADED at once, never silence), keeps its memory and its
// queues bounded ([room] max-in-flight), and that what it admits keeps its latency. Not part
// of the test suite (it asserts nothing); run by hand, bounded (about 2 minutes):
//   node tests/fault/overload_bench.mjs [--rooms=10] [--members=2] [--seconds=20]
//        [--rate=R (skip the capacity phase: R is the sustainable rate)] [--max-in-flight=N]
//        [--json=file]
// with CHAT_TEST_PG pointing at a PostgreSQL (default: the test cluster on port 5499, e.g.
// scripts/pg start build/test-pg 5499).
import fs from 'node:fs';

import { sqlValue, startChatd } from '../e2e/lib/harness.mjs';
import { Load, loadOptions, parseArgs, percentile, sampleNode, setupRooms } from './open_loop.mjs';

const options = parseArgs({ rooms: 10, members: 2, seconds: 20, rate: 0, maxInFlight: -1, json: '' });
const nodeArgs = [...loadOptions];
if (options.maxInFlight >= 0) nodeArgs.push(`--room.max-in-flight=${options.maxInFlight}`);
const node = await startChatd(nodeArgs);
let load;
try {
  load = await setupRooms(node, options);
  const samples = [];
  let current = 'warm-up';
  let sampling = false;
  const sampler = setInterval(async () => {
    if (sampling) return;
    sampling = true;
    try {
      samples.push({ phase: current, ...(await sampleNode(node)) });
    } catch {
      // a scrape that timed out under load is skipped
    } finally {
      sampling = false;
    }
  }, 1000);
  await load.run('warm-up', { rate: 200, seconds: 3 });
  await load.drain();

  let sustainable = options.rate;
  if (!sustainable) {
    // Closed loop, as many in flight as the node takes without refusing any (half its bound).
    current = 'capacity';
    const capacity = await load.run('capacity', { window: 256, seconds: 12 });
    await load.drain();
    sustainable = Math.round(capacity.saved / ((capacity.endedAt - capacity.startedAt) / 1000));
  }
  const rows = [];
  for (const [name, factor] of [['half', 0.5], ['double', 2]]) {
    current = name;
    const before = await sampleNode(node);
    const phase = await load.run(name, { rate: sustainable * factor, seconds: options.seconds });
    const unanswered = await load.drain(30000);
    const after = await sampleNode(node);
    const during = samples.filter(s => s.phase === name);
    const seconds = (phase.endedAt - phase.startedAt) / 1000;
    rows.push({
      phase: name,
      offeredPerSecond: Math.round(phase.sent / seconds),
      savedPerSecond: Math.round(phase.saved / seconds),
      sent: phase.sent,
      saved: phase.saved,
      overloaded: phase.overloaded,
      failedOther: phase.failed,
      failedCodes: phase.failedCodes,
      unanswered,
      savedP50Ms: percentile(phase.savedMs, 0.5),
      savedP99Ms: percentile(phase.savedMs, 0.99),
      savedMaxMs: percentile(phase.savedMs, 1),
      overloadedP99Ms: percentile(phase.overloadedMs, 0.99),
      peakSagasRunning: Math.max(0, ...during.map(s => s.sagasRunning ?? 0)),
      peakRssMiB: Math.round(Math.max(before.rssMiB, ...during.map(s => s.rssMiB ?? 0))),
      rssBeforeMiB: Math.round(before.rssMiB),
      rssAfterMiB: Math.round(after.rssMiB),
      chatdCpuPercent: Math.round(100 * (after.cpuSeconds - before.cpuSeconds) / ((after.at - before.at) / 1000)),
    });
  }
  clearInterval(sampler);
  await load.drain();
  console.log(`sustainable (closed loop): ${sustainable} msg/s`);
  console.table(rows.map(({ failedCodes, ...row }) => row));
  const lost = load.lost(node, sqlValue);
  const delivery = load.undelivered();
  const [half, double] = rows;
  const result = {
    date: new Date().toISOString(),
    options,
    sustainablePerSecond: sustainable,
    rows,
    p99Ratio: half.savedP99Ms ? Number((double.savedP99Ms / half.savedP99Ms).toFixed(2)) : null,
    lost,
    undelivered: delivery.missing,
    outOfOrder: delivery.disorder,
  };
  console.log(`p99 of admitted sends at twice / at half the sustainable rate: ${result.p99Ratio}x; ` +
    `lost ${lost}, undelivered ${delivery.missing}, out of order ${delivery.disorder}`);
  console.log('RESULT ' + JSON.stringify(result));
  if (options.json) fs.writeFileSync(options.json, JSON.stringify({ ...result, samples }, null, 2));
} finally {
  load?.close();
  await node.stop();
}
process.exit(0);
