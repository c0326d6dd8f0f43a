// SockJS in a real browser (Debian's chromium): the page loads sockjs-client and @stomp/stompjs
// (their npm builds) and talks STOMP to chatd over each transport, forced one at a time, and
// over the fallback sockjs-client chooses itself when the page has no WebSocket. A Node client
// on a plain WebSocket is the other side of every exchange.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { newUser, rest, startChatd, stompClient, waitFor } from '../e2e/lib/harness.mjs';
import { launchBrowser, screenshot } from './lib.mjs';

const modules = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules');
const scripts = [path.join(modules, 'sockjs-client/dist/sockjs.min.js'),
  path.join(modules, '@stomp/stompjs/bundles/stomp.umd.min.js')];

/// In the page: connects over SockJS (only `transports`, or sockjs-client's own choice), sends
/// `count` messages to the room and waits for them and for `expected` more from the other side.
/// Resolves to {transport, seqs, contents}.
function exchangeInPage({ token, roomId, transports, count, expected }) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('page exchange timed out')), 30000);
    let socket;
    const contents = [];
    const seqs = [];
    const client = new StompJs.Client({
      webSocketFactory: () => (socket = new SockJS('/ws/chat', null, transports ? { transports } : {})),
      connectHeaders: { Authorization: 'Bearer ' + token },
      reconnectDelay: 0,
      onConnect: () => {
        client.subscribe(`/topic/messages/${roomId}`, frame => {
          const message = JSON.parse(frame.body);
          seqs.push(message.seq);
          contents.push(message.content);
          if (contents.length === count + expected) {
            clearTimeout(timer);
            const transport = socket._transport ? socket._transport.transportName : socket.transport;
            client.deactivate().then(() => resolve({ transport, seqs, contents }));
          }
        });
        // The subscription is live once its receipt is back.
        client.watchForReceipt('subscribed', () => {
          window.subscribed = true;
          for (let i = 1; i <= count; ++i)
            client.publish({ destination: '/app/chat',
              body: JSON.stringify({ roomId, content: `page ${i} 안녕`, tempId: `page-${Date.now()}-${i}` }) });
        });
        client.subscribe('/user/queue/errors', frame => reject(new Error(frame.body)), { receipt: 'subscribed' });
      },
      onStompError: frame => reject(new Error(frame.headers.message)),
    });
    client.activate();
  });
}

describe('sockjs in the browser', () => {
  let node;
  let browser;
  let alice;
  let bob;

  before(async () => {
    node = await startChatd(['--gateway.send-rate=1000', '--gateway.send-burst=1000', '--sockjs.stream-bytes=8192']);
    browser = await launchBrowser();
    alice = await newUser(node, 'pagealice');
    bob = await newUser(node, 'pagebob');
  });

  after(async () => {
    await browser?.close();
    await node?.stop();
  });

  const cases = [
    { name: 'websocket', transports: ['websocket'], expect: 'websocket' },
    { name: 'xhr-streaming', transports: ['xhr-streaming'], expect: 'xhr-streaming' },
    { name: 'xhr-polling', transports: ['xhr-polling'], expect: 'xhr-polling' },
    { name: 'eventsource', transports: ['eventsource'], expect: 'eventsource' },
    // A network without WebSockets: sockjs-client falls back on its own.
    { name: 'fallback', transports: null, noWebSocket: true, expect: 'xhr-streaming' },
  ];

  for (const c of cases) {
    it(`exchanges messages over ${c.name}`, async () => {
      const room = (await rest(node, 'POST', '/api/v1/chatrooms',
        { title: `browser sockjs ${c.name}`, type: 'GROUP', participantIds: [bob.id] }, alice.token)).body;
      const other = await stompClient(node, bob.token);
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const errors = [];
        page.on('pageerror', error => errors.push(error.message));
        if (c.noWebSocket)
          await page.addInitScript(() => { delete window.WebSocket; window.WebSocket = undefined; });
        // A page of the node's own origin without the client's CSP: the greeting of /ws/chat.
        await page.goto(node.url + '/ws/chat');
        for (const file of scripts)
          await page.addScriptTag({ path: file });
        await other.subscribe(`/topic/messages/${room.id}`);
        const count = 20;
        const exchange = page.evaluate(exchangeInPage,
          { token: alice.token, roomId: room.id, transports: c.transports, count, expected: 2 });
        // The other side answers once the page's messages are in.
        await waitFor(() => other.inbox(`/topic/messages/${room.id}`).length >= count, 'the page messages', 30000);
        other.send('/app/chat', { roomId: room.id, content: 'from node 1', tempId: `node-${c.name}-1` });
        other.send('/app/chat', { roomId: room.id, content: 'from node 2', tempId: `node-${c.name}-2` });
        const result = await exchange;
        assert.equal(result.transport, c.expect);
        assert.deepEqual(result.seqs, Array.from({ length: count + 2 }, (_, i) => i + 1), 'in seq order, each once');
        assert.equal(result.contents[0], 'page 1 안녕');
        assert.deepEqual(result.contents.slice(count), ['from node 1', 'from node 2']);
        const seen = other.inbox(`/topic/messages/${room.id}`);
        assert.equal(seen.length, count + 2);
        assert.deepEqual(errors, []);
        await screenshot(page, `sockjs-${c.name}`);
      } finally {
        await context.close();
        await other.close();
      }
    });
  }
});
