// TLS on the HTTP and WebSocket port ([http] tls-cert, tls-key) with a self-signed certificate the
// test makes with openssl: REST over https and STOMP over wss work for a client that trusts the
// certificate; a client that does not is refused by its own TLS stack; a plain-HTTP client gets
// no answer, and the node goes on serving; wrong settings stop the node at start with a clear
// line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { chatdConfig, httpsRequest, metric, newUser, repo, rest, startChatd, stompClient, waitFor }
  from './lib/harness.mjs';

/// A self-signed certificate for 127.0.0.1 and its key, in `dir`.
function makeCertificate(dir, name) {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  return { cert, key };
}

/// chatd with `args` that must refuse to start: its exit code and output.
function startFails(args) {
  const chatd = process.env.CHATD || path.join(repo, 'build/apps/chatd');
  const run = spawnSync(chatd, [`--config-file=${chatdConfig}`, '--http.port=0', ...args],
    { encoding: 'utf8', timeout: 30000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('tls', () => {
  let dir;
  let tls;
  let node;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chatd-tls-'));
    tls = makeCertificate(dir, 'node');
    node = await startChatd([], { tls });
  });

  after(async () => {
    await node?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves REST over https and STOMP over wss to a client that trusts the certificate', async () => {
    assert.match(node.url, /^https:/);
    const health = await httpsRequest(node.url + '/healthz', { ca: node.ca });
    assert.equal(health.status, 200);
    const alice = await newUser(node, 'tlsalice');
    const bob = await newUser(node, 'tlsbob');
    const created = await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'over tls', type: 'GROUP', participantIds: [bob.id] }, alice.token);
    assert.equal(created.status, 201);
    const room = created.body;
    const aliceClient = await stompClient(node, alice.token);
    const bobClient = await stompClient(node, bob.token);
    try {
      const messages = `/topic/messages/${room.id}`;
      const statuses = `/topic/message/status/${room.id}`;
      await aliceClient.subscribe(statuses);
      await bobClient.subscribe(messages);
      for (let i = 1; i <= 20; ++i)
        aliceClient.send('/app/chat', { roomId: room.id, content: `secret ${i}`, tempId: `tls-${i}` });
      await waitFor(() => bobClient.inbox(messages).length >= 20, '20 messages over wss');
      assert.deepEqual(bobClient.inbox(messages).map(m => m.seq), Array.from({ length: 20 }, (_, i) => i + 1));
      await waitFor(() => aliceClient.inbox(statuses).filter(s => s.status === 'SAVED').length >= 20,
        'SAVED for each message');
      const history = await rest(node, 'GET', `/api/v1/messages/${room.id}?limit=50`, undefined, bob.token);
      assert.equal(history.status, 200);
      assert.deepEqual(history.body.messages.map(m => m.content).sort(),
        Array.from({ length: 20 }, (_, i) => `secret ${i + 1}`).sort());
    } finally {
      await aliceClient.close();
      await bobClient.close();
    }
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const error = await new Promise(resolve => {
      const req = https.get(node.url + '/healthz', () => resolve(null));
      req.on('error', resolve);
    });
    assert.ok(error, 'the untrusting client must fail');
    assert.match(error.code, /SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('answers nothing to plain HTTP on the TLS port and goes on serving', async () => {
    const failedBefore = await metric(node, 'chat_tls_handshakes_failed_total');
    const port = Number(new URL(node.url).port);
    const answer = await new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      });
      let data = '';
      socket.on('data', chunk => { data += chunk.toString('latin1'); });
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
      socket.setTimeout(15000, () => reject(new Error('the node kept a plain connection open')));
    });
    assert.doesNotMatch(answer, /HTTP\/1\.1 200/);
    await waitFor(async () => await metric(node, 'chat_tls_handshakes_failed_total') > failedBefore,
      'the failed handshake to be counted');
    assert.equal((await httpsRequest(node.url + '/healthz', { ca: node.ca })).status, 200);
  });

  it('refuses to start with a certificate and no key, or a key of another certificate', () => {
    const alone = startFails([`--http.tls-cert=${tls.cert}`]);
    assert.notEqual(alone.status, 0);
    assert.match(alone.output, /http\.tls-cert and http\.tls-key go together/);
    const other = makeCertificate(dir, 'other');
    const mismatched = startFails([`--http.tls-cert=${tls.cert}`, `--http.tls-key=${other.key}`]);
    assert.notEqual(mismatched.status, 0);
    assert.match(mismatched.output, /tls-key/);
    const missing = startFails([`--http.tls-cert=${path.join(dir, 'none.crt')}`, `--http.tls-key=${tls.key}`]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.output, /http\.tls-cert/);
  });
});
