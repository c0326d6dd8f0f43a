// Descriptor exhaustion: a node started with 400 descriptors gets more WebSocket clients than
// its connection limit, then a flood of idle sockets. It refuses upgrades over the limit with
// 503 (counted), never spins on a failing accept or floods its log, keeps /healthz and
// /metrics answering, and serves new clients again once the others leave.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';

import { WebSocket, metric, sleep, startChatd, waitFor } from '../e2e/lib/harness.mjs';

/// Opens a WebSocket to /ws/chat: 'open' (with the socket kept in `sockets`) or the status.
function upgrade(node, sockets) {
  return new Promise(resolve => {
    const socket = new WebSocket(node.ws, ['v12.stomp']);
    socket.on('open', () => { sockets.push(socket); resolve('open'); });
    socket.on('unexpected-response', (_, response) => resolve(response.statusCode));
    socket.on('error', () => resolve('error'));
  });
}

async function healthy(node) {
  try {
    const res = await fetch(node.url + '/healthz', { headers: { connection: 'close' } });
    return res.status === 200;
  } catch {
    return false;
  }
}

describe('descriptor exhaustion', () => {
  let node;
  let limit;
  const sockets = [];
  const idle = [];

  before(async () => {
    node = await startChatd(['--log.level=info'], { fdLimit: 400 });
    limit = Number(node.output().match(/up to (\d+) connections/)[1]);
  });

  after(async () => {
    for (const socket of sockets) socket.terminate();
    for (const socket of idle) socket.destroy();
    await node?.stop();
  });

  it('derives its connection limit from the descriptor limit', () => {
    assert.equal(limit, 400 - 128);
  });

  it('refuses upgrades over the limit with 503 and keeps answering /healthz', async () => {
    const refusedBefore = await metric(node, 'chat_connections_refused_total');
    const outcomes = [];
    for (let i = 0; i < limit + 40; i += 20)
      outcomes.push(...await Promise.all(Array.from({ length: 20 }, () => upgrade(node, sockets))));
    const opened = outcomes.filter(o => o === 'open').length;
    const refused = outcomes.filter(o => o === 503).length;
    assert.ok(opened <= limit, `${opened} opened, limit ${limit}`);
    assert.ok(opened >= limit - 20, `${opened} opened, limit ${limit}`);
    assert.equal(opened + refused, outcomes.length, 'every upgrade opened or got 503');
    assert.ok(await healthy(node), '/healthz answers at the limit');
    assert.ok(await metric(node, 'chat_connections_refused_total') >= refusedBefore + refused);
  });

  it('survives a flood of idle sockets past its reserve and recovers', async () => {
    for (let i = 0; i < 300; ++i) {
      const socket = net.connect(Number(new URL(node.url).port), '127.0.0.1');
      socket.on('error', () => {});
      idle.push(socket);
    }
    await sleep(500);
    // The idle ones over the limit are dropped within seconds: health checks get through.
    await waitFor(() => healthy(node), '/healthz during the flood', 20000);
    const text = await (await fetch(node.url + '/metrics', { headers: { connection: 'close' } })).text();
    assert.match(text, /chat_connections_refused_total \d+/);
    for (const socket of idle) socket.destroy();
    for (const socket of sockets) socket.terminate();
    sockets.length = 0;
    await waitFor(async () => (await upgrade(node, sockets)) === 'open', 'a new client once the others left', 20000);
  });

  it('wrote a few lines about it, not a flood', () => {
    const log = node.output();
    const lines = log.split('\n').filter(l => /connection limit|accept failed/.test(l));
    assert.ok(lines.length <= 60, `${lines.length} lines about the limit`);
    assert.ok(log.length < 200 * 1024, `${log.length} bytes of log`);
  });
});
