// Network namespaces for the partition suite: one namespace per node, all on a bridge in a hub
// namespace of their own, and a veth from the host into that bridge (the test's clients, the
// test PostgreSQL and chat-kafka stay on the host). A cut is a pair of blackhole routes, one on
// each side: packets are dropped without FIN or RST, as in a silent partition. Everything is
// made by the test, named after its process and removed when it ends; the host only gains one
// veth and one /24 of 10.213.x.0 while the test runs. The nodes reach chat-kafka on the host's
// loopback through forwarders (forward.mjs), and PostgreSQL through its unix socket.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const prefix = 'cp';

function ip(...args) {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ip ${args.join(' ')}: ${run.stderr.trim()}`);
  return run.stdout;
}

/// "" when this process may make namespaces, else why not (the suite is skipped then).
export function netnsUnavailable() {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = `${prefix}probe${process.pid}`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.status !== 0) return 'ip netns add failed: ' + made.stderr.trim();
  spawnSync('ip', ['netns', 'delete', probe]);
  return '';
}

/// Namespaces left by a run of this suite that died (its process is gone).
function removeStale() {
  for (const line of ip('netns', 'list').split('\n')) {
    const match = /^cp(\d+)[hn]\d*/.exec(line);
    if (!match) continue;
    let alive = true;
    try { process.kill(Number(match[1]), 0); } catch { alive = false; }
    if (!alive) spawnSync('ip', ['netns', 'delete', line.split(' ')[0]]);
  }
}

/// A subnet 10.213.x.0/24 that no interface of the host uses.
function freeSubnet() {
  const used = ip('-4', 'addr', 'show');
  for (let k = 0; k < 250; ++k) {
    const x = (process.pid + k) % 250 + 1;
    if (!used.includes(`10.213.${x}.`)) return `10.213.${x}`;
  }
  throw new Error('no free 10.213.x.0/24');
}

/// `count` node namespaces. `host` is the host's address on the bridge; `address(i)` and
/// `namespace(i)` those of node i (0-based).
export function makeNetwork(count) {
  removeStale();
  const id = `${prefix}${process.pid}`;
  const subnet = freeSubnet();
  const hub = `${id}h`;
  const network = {
    host: `${subnet}.1`,
    address: i => `${subnet}.${10 + i}`,
    namespace: i => `${id}n${i}`,
    count,
    cuts: [],
    helpers: [],
  };
  try {
    ip('netns', 'add', hub);
    ip('-n', hub, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', hub, 'link', 'set', 'br0', 'up');
    ip('link', 'add', `${id}r`, 'type', 'veth', 'peer', 'name', `${id}b`);
    ip('link', 'set', `${id}b`, 'netns', hub);
    ip('-n', hub, 'link', 'set', `${id}b`, 'master', 'br0', 'up');
    ip('addr', 'add', `${network.host}/24`, 'dev', `${id}r`);
    ip('link', 'set', `${id}r`, 'up');
    for (let i = 0; i < count; ++i) {
      const ns = network.namespace(i);
      ip('netns', 'add', ns);
      ip('link', 'add', `${id}v${i}`, 'type', 'veth', 'peer', 'name', `${id}p${i}`);
      ip('link', 'set', `${id}v${i}`, 'netns', ns);
      ip('link', 'set', `${id}p${i}`, 'netns', hub);
      ip('-n', hub, 'link', 'set', `${id}p${i}`, 'master', 'br0', 'up');
      ip('-n', ns, 'addr', 'add', `${network.address(i)}/24`, 'dev', `${id}v${i}`);
      ip('-n', ns, 'link', 'set', `${id}v${i}`, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
  } catch (e) {
    destroy(network, id);
    throw e;
  }
  network.destroy = () => destroy(network, id);
  return network;
}

function destroy(network, id) {
  for (const helper of network.helpers) helper.kill('SIGKILL');
  for (let i = 0; i < network.count; ++i) spawnSync('ip', ['netns', 'delete', `${id}n${i}`]);
  // The host's veth goes with its peer in the hub.
  spawnSync('ip', ['netns', 'delete', `${id}h`]);
  spawnSync('ip', ['link', 'delete', `${id}r`]);
}

function startForwarder(network, program, argv) {
  const proc = spawn(program, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  network.helpers.push(proc);
  return new Promise((resolve, reject) => {
    proc.stdout.on('data', d => { if (String(d).includes('ready')) resolve(); });
    proc.on('exit', code => reject(new Error('forwarder exited: ' + code)));
  });
}

/// Makes host loopback `ports` (Kafka's brokers) reachable at 127.0.0.1 in every node
/// namespace: a forwarder on the host's bridge address and one in each namespace.
export async function forwardPorts(network, ports) {
  const script = path.join(here, 'forward.mjs');
  const node = process.execPath;
  const waits = [startForwarder(network, node, [script, network.host, '127.0.0.1', ...ports.map(String)])];
  for (let i = 0; i < network.count; ++i)
    waits.push(startForwarder(network, 'ip',
      ['netns', 'exec', network.namespace(i), node, script, '127.0.0.1', network.host, ...ports.map(String)]));
  await Promise.all(waits);
}

/// Cuts node `a` from each of `others`, both ways, silently.
export function cut(network, a, others) {
  for (const b of others) {
    ip('-n', network.namespace(a), 'route', 'add', 'blackhole', `${network.address(b)}/32`);
    ip('-n', network.namespace(b), 'route', 'add', 'blackhole', `${network.address(a)}/32`);
    network.cuts.push([a, b], [b, a]);
  }
}

/// Removes every cut.
export function heal(network) {
  for (const [from, to] of network.cuts)
    ip('-n', network.namespace(from), 'route', 'delete', 'blackhole', `${network.address(to)}/32`);
  network.cuts = [];
}
