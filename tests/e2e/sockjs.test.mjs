// SockJS on /ws/chat as clients built with sockjs-client (npm) use it: the info URL, the
// WebSocket transport with SockJS framing, and the xhr-streaming, xhr-polling and eventsource
// fallbacks, each carrying the same STOMP session as a plain WebSocket (@stomp/stompjs on top).
// The protocol's edges (heartbeats, expiry, go-away, the session's address) are checked with
// raw HTTP requests.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import SockJS from 'sockjs-client';

import { WebSocket, metric, newUser, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

const transports = ['websocket', 'xhr-streaming', 'xhr-polling', 'eventsource'];
// The transport names of sockjs-client, and the server's (its URLs and metrics).
const serverName = { websocket: 'websocket', 'xhr-streaming': 'xhr_streaming', 'xhr-polling': 'xhr', eventsource: 'eventsource' };

function sockjsClient(node, token, transport) {
  return stompClient(node, token, {
    webSocketFactory: () => new SockJS(node.url + '/ws/chat', null, { transports: [transport] }),
  });
}

/// A raw POST or GET to a SockJS URL, optionally from another local address.
function raw(node, method, route, body, localAddress) {
  const url = new URL(node.url + route);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress,
      headers: body === undefined ? {} : { 'content-type': 'text/plain' } }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', chunk => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function stompFrame(command, headers, body = '') {
  return command + '\n' + Object.entries(headers).map(([k, v]) => `${k}:${v}`).join('\n') + '\n\n' + body + '\0';
}

describe('sockjs', () => {
  let node;
  let alice;
  let bob;

  before(async () => {
    node = await startChatd(['--web.allowed-origins=https://friend.example', '--sockjs.heartbeat=400ms', '--sockjs.disconnect-delay=700ms', '--sockjs.stream-bytes=4096']);
    alice = await newUser(node, 'sockjsalice');
    bob = await newUser(node, 'sockjsbob');
  });

  after(async () => {
    await node?.stop();
  });

  it('answers the info URL and the greeting as sockjs-client expects', async () => {
    const info = await fetch(node.url + '/ws/chat/info?t=1');
    assert.equal(info.status, 200);
    assert.match(info.headers.get('cache-control'), /no-store/);
    const body = await info.json();
    assert.equal(body.websocket, true);
    assert.equal(body.cookie_needed, false);
    assert.deepEqual(body.origins, ['*:*']);
    assert.equal(typeof body.entropy, 'number');
    const greeting = await fetch(node.url + '/ws/chat');
    assert.equal(await greeting.text(), 'Welcome to SockJS!\n');
    assert.equal((await fetch(node.url + '/ws/chat/iframe.html')).status, 404);
  });

  for (const transport of transports) {
    it(`exchanges messages in order with SAVED over ${transport}`, async () => {
      const name = `chat_sockjs_sessions_total{transport="${serverName[transport]}"}`;
      const opened = await metric(node, name);
      // A sender of its own: the send rate limit is per user.
      const carol = await newUser(node, 'sockjscarol');
      const room = (await rest(node, 'POST', '/api/v1/chatrooms',
        { title: `sockjs ${transport}`, type: 'GROUP', participantIds: [bob.id] }, carol.token)).body;
      const messages = `/topic/messages/${room.id}`;
      const statuses = `/topic/message/status/${room.id}`;
      const sender = await sockjsClient(node, carol.token, transport);
      const reader = await stompClient(node, bob.token);
      try {
        assert.equal(await metric(node, name), opened + 1, 'the session used the transport asked for');
        await sender.subscribe(messages);
        await sender.subscribe(statuses);
        await reader.subscribe(messages);
        // Long enough that xhr-streaming rolls over to new responses (stream-bytes=4096).
        const count = 30;
        for (let i = 1; i <= count; ++i)
          sender.send('/app/chat', { roomId: room.id, content: `${transport} message ${i} ${'·'.repeat(40)}`, tempId: `${transport}-${i}` });
        for (const client of [sender, reader])
          await waitFor(() => client.inbox(messages).length >= count, `${count} messages`, 20000);
        await waitFor(() => sender.inbox(statuses).filter(s => s.status === 'SAVED').length >= count, 'SAVED', 20000);
        for (const client of [sender, reader]) {
          const got = client.inbox(messages);
          assert.equal(got.length, count, 'each message exactly once');
          assert.deepEqual(got.map(m => m.seq), Array.from({ length: count }, (_, i) => i + 1));
          assert.equal(got[0].content, `${transport} message 1 ${'·'.repeat(40)}`, 'text outside ASCII arrives intact');
        }
        reader.send('/app/chat', { roomId: room.id, content: 'answer', tempId: `${transport}-answer` });
        await waitFor(() => sender.inbox(messages).some(m => m.content === 'answer'), 'the answer', 20000);
        // Quiet for longer than the SockJS heartbeat: the session stays up through it.
        await sleep(1000);
        reader.send('/app/chat', { roomId: room.id, content: 'after the quiet', tempId: `${transport}-later` });
        await waitFor(() => sender.inbox(messages).some(m => m.content === 'after the quiet'), 'the later answer', 20000);
      } finally {
        await sender.close();
        await reader.close();
      }
    });
  }

  it('polls get o, then frames, h when idle, and c[2010] for a second poll', async () => {
    const base = '/ws/chat/000/polled1/';
    assert.deepEqual(await raw(node, 'POST', base + 'xhr').then(r => [r.status, r.text]), [200, 'o\n']);
    const connect = stompFrame('CONNECT', { 'accept-version': '1.2', host: 'x', Authorization: 'Bearer ' + alice.token, 'heart-beat': '0,0' });
    const sent = await raw(node, 'POST', base + 'xhr_send', JSON.stringify([connect]));
    assert.equal(sent.status, 204);
    const answer = await raw(node, 'POST', base + 'xhr');
    assert.match(answer.text, /^a\["CONNECTED\\n/);
    // Two polls at once: whichever arrives first waits and, with nothing to say, is answered
    // with a heartbeat (sockjs.heartbeat=400ms); the other is told a poll is open already.
    const answers = (await Promise.all([raw(node, 'POST', base + 'xhr'), raw(node, 'POST', base + 'xhr')]))
      .map(r => r.text).sort();
    assert.deepEqual(answers, ['c[2010,"Another connection still open"]\n', 'h\n']);
  });

  it('refuses broken payloads, unknown sessions and sessions of another address', async () => {
    const base = '/ws/chat/000/refused1/';
    assert.equal((await raw(node, 'POST', base + 'xhr')).text, 'o\n');
    assert.equal((await raw(node, 'POST', base + 'xhr_send', '')).status, 400);
    const broken = await raw(node, 'POST', base + 'xhr_send', '["unterminated');
    assert.equal(broken.status, 400);
    assert.equal(broken.text, 'Broken JSON encoding.\n');
    assert.equal((await raw(node, 'POST', base + 'xhr_send', '[1]')).status, 400);
    assert.equal((await raw(node, 'POST', '/ws/chat/000/nobody/xhr_send', '["x"]')).status, 404);
    // Another address does not get to write into, or read from, this session.
    assert.equal((await raw(node, 'POST', base + 'xhr_send', '["x"]', '127.0.0.2')).status, 404);
    assert.equal((await raw(node, 'POST', '/ws/chat/000/refused1/xhr', undefined, '127.0.0.2')).status, 404);
    assert.equal((await raw(node, 'POST', '/ws/chat/000/x.y/xhr')).status, 404);
    assert.equal((await raw(node, 'GET', base + 'xhr')).status, 405);
  });

  it('applies the origin rules to SockJS as to REST and WebSockets', async () => {
    const info = origin => fetch(node.url + '/ws/chat/info', { headers: { Origin: origin } });
    assert.equal((await info('https://evil.example')).status, 403);
    const friend = await info('https://friend.example');
    assert.equal(friend.status, 200);
    assert.equal(friend.headers.get('access-control-allow-origin'), 'https://friend.example');
    assert.equal(friend.headers.get('access-control-allow-credentials'), 'true');
    const upgrade = origin => new Promise(resolve => {
      const socket = new WebSocket(node.url.replace('http', 'ws') + '/ws/chat/000/origin1/websocket', [], { origin });
      socket.on('open', () => { socket.close(); resolve('open'); });
      socket.on('unexpected-response', (_, response) => resolve(response.statusCode));
      socket.on('error', () => resolve('error'));
    });
    assert.equal(await upgrade('https://evil.example'), 403);
    assert.equal(await upgrade('https://friend.example'), 'open');
  });

  it('closes a session the STOMP side ends with its ERROR frame and go-away', async () => {
    const base = '/ws/chat/000/badtoken1/';
    assert.equal((await raw(node, 'POST', base + 'xhr')).text, 'o\n');
    const connect = stompFrame('CONNECT', { 'accept-version': '1.2', host: 'x', Authorization: 'Bearer not-a-token' });
    assert.equal((await raw(node, 'POST', base + 'xhr_send', JSON.stringify([connect]))).status, 204);
    const answer = await raw(node, 'POST', base + 'xhr');
    assert.match(answer.text, /^a\["ERROR\\n[^]*"\]\nc\[3000,"Go away!"\]\n$/);
    assert.equal((await raw(node, 'POST', base + 'xhr')).text, 'c[3000,"Go away!"]\n');
  });

  it('ends a session whose client went away after the disconnect delay', async () => {
    const sessions = 'chat_sockjs_http_sessions_open';
    // The sessions of the tests before end first: none of them polls any more.
    await waitFor(async () => (await metric(node, sessions)) === 0, 'earlier sessions to end', 10000);
    const open = await metric(node, 'chat_connections_open');
    const base = '/ws/chat/000/leaver1/';
    assert.equal((await raw(node, 'POST', base + 'xhr')).text, 'o\n');
    assert.equal(await metric(node, sessions), 1);
    assert.equal(await metric(node, 'chat_connections_open'), open + 1);
    assert.equal((await raw(node, 'POST', base + 'xhr_send', '[]')).status, 204);
    // No poll comes (sockjs.disconnect-delay=700ms): the session and its connection end.
    await waitFor(async () => (await raw(node, 'POST', base + 'xhr_send', '[]')).status === 404, 'the session to end', 10000);
    await waitFor(async () => (await metric(node, 'chat_connections_open')) === open, 'the connection to end', 10000);
    assert.equal(await metric(node, sessions), 0);
  });
});
