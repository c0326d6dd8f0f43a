// The WebSocket load benchmark: starts a node (its own databases on the test PostgreSQL), makes
// the users and rooms over REST, runs build/apps/chat-load (C++, open loop) against it and
// writes chat-load's JSON report and an SVG plot of latency and CPU against the offered rate.
// Not part of the test suite (it asserts nothing); run by hand:
//   node tests/bench/ws_load.mjs --workload=rooms --rooms=10 --members=20 --senders=5 \
//        --rates=100,200,500,1000,1500,2000 [--seconds=10] [--out=build/load]
//   node tests/bench/ws_load.mjs --workload=idle --sessions=19000 --users=200 [--hold=30]
// with CHAT_TEST_PG pointing at a PostgreSQL (default: the test cluster on port 5499, e.g.
// scripts/pg start build/test-pg 5499).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { newUser, repo, rest, sqlValue, startChatd } from '../e2e/lib/harness.mjs';
import { loadOptions, parseArgs } from '../fault/open_loop.mjs';
import { svgPanels } from '../fault/plot.mjs';

const options = parseArgs({
  workload: 'rooms', rooms: 10, members: 20, senders: 5, rates: '100,200,500,1000',
  seconds: 10, drain: 10, threads: 2, keepGoing: false,
  sessions: 1000, users: 100, hold: 30, heartBeat: 10000, sources: 1,
  out: path.join(repo, 'build/load'),
});
fs.mkdirSync(options.out, { recursive: true });
const name = options.workload === 'idle' ? `idle-${options.sessions}`
  : `rooms-${options.rooms}x${options.members}`;
const chatLoad = process.env.CHAT_LOAD || path.join(repo, 'build/apps/chat-load');

// Cheap password hashes: the benchmark makes thousands of users and measures messages.
const node = await startChatd([...loadOptions, '--auth.hash-passes=1', '--auth.hash-memory-kib=8192',
]);
try {
  const dataDirectory = sqlValue(node.dsn.messages, 'SHOW data_directory');
  const postgresPid = Number(fs.readFileSync(path.join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const setup = { host: '127.0.0.1', port: Number(new URL(node.url).port), chatdPid: node.pid(), postgresPid };

  const people = async (count, prefix) => {
    const made = [];
    for (let i = 0; i < count; i += 8) {
      const batch = [];
      for (let j = i; j < Math.min(count, i + 8); ++j) batch.push(newUser(node, `${prefix}${j}_`));
      made.push(...await Promise.all(batch));
    }
    return made;
  };
  const room = async (members, title) => {
    const created = await rest(node, 'POST', '/api/v1/chatrooms',
      { title, type: 'GROUP', participantIds: members.slice(1).map(p => p.id) }, members[0].token);
    if (created.status !== 201) throw new Error('room: ' + JSON.stringify(created));
    return created.body.id;
  };

  if (options.workload === 'idle') {
    const users = await people(options.users, 'idle');
    Object.assign(setup, { roomId: await room(users, 'idle'), users: users.map(u => ({ id: u.id, token: u.token })) });
  } else {
    setup.rooms = [];
    for (let r = 0; r < options.rooms; ++r) {
      const members = await people(options.members, `r${r}m`);
      setup.rooms.push({ id: await room(members, `load ${r}`), senders: options.senders,
        members: members.map(m => ({ id: m.id, token: m.token })) });
    }
  }
  const setupFile = path.join(options.out, `${name}.setup.json`);
  const reportFile = path.join(options.out, `${name}.json`);
  fs.writeFileSync(setupFile, JSON.stringify(setup));
  const args = [`--setup=${setupFile}`, `--workload=${options.workload}`, `--out=${reportFile}`,
    `--threads=${options.threads}`];
  if (options.workload === 'idle') {
    args.push(`--sessions=${options.sessions}`, `--hold=${options.hold}`, `--heart-beat=${options.heartBeat}`,
      `--sources=${options.sources}`);
  } else {
    args.push(`--rates=${options.rates}`, `--seconds=${options.seconds}`, `--drain=${options.drain}`);
    if (options.keepGoing) args.push('--keep-going');
  }
  const run = spawnSync(chatLoad, args, { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`chat-load exited with ${run.status}`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  if (options.workload === 'idle') {
    console.log(JSON.stringify({ ...report, rssPoints: undefined }, null, 2));
  } else {
    const rows = report.phases.map(p => ({
      rate: p.offeredRate,
      'delivery p50': p.deliveryMs.p50, 'delivery p99': p.deliveryMs.p99,
      'saved p50': p.savedMs.p50, 'saved p99': p.savedMs.p99,
      chatd: p.cpuPercent.chatd, postgres: p.cpuPercent.postgres, 'chat-load': p.cpuPercent.tool,
    }));
    const svgFile = path.join(options.out, `${name}.svg`);
    fs.writeFileSync(svgFile, svgPanels(rows, {
      x: 'rate', xLabel: 'offered msg/s', title: `${options.rooms} × ${options.members} rooms, ` +
        `${options.senders} senders each (chat-load)`,
      panels: [
        { title: 'latency to delivery (every member)', keys: ['delivery p50', 'delivery p99'], unit: 'ms' },
        { title: 'latency to SAVED (sender)', keys: ['saved p50', 'saved p99'], unit: 'ms' },
        { title: 'CPU, % of one core', keys: ['chatd', 'postgres', 'chat-load'], unit: '%' },
      ],
    }));
    console.log('rate  sent/s  saved  failed  unanswered  undelivered  delivery p50/p99 ms  saved p50/p99 ms  ' +
      'CPU chatd/pg/tool %');
    for (const p of report.phases) {
      console.log(`${p.offeredRate}  ${p.sentRate}  ${p.saved}  ${p.failed}  ${p.unanswered}  ${p.undelivered}  ` +
        `${p.deliveryMs.p50}/${p.deliveryMs.p99}  ${p.savedMs.p50}/${p.savedMs.p99}  ` +
        `${p.cpuPercent.chatd}/${p.cpuPercent.postgres}/${p.cpuPercent.tool}` + (p.sustainable ? '' : '  (not sustainable)'));
    }
    console.log(`highest sustainable rate: ${report.highestSustainableRate} msg/s; report ${reportFile}, plot ${svgFile}`);
  }
} finally {
  await node.stop();
}
