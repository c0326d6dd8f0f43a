// What browsers meet on a real chatd: the web client and Swagger UI with their headers, the
// OpenAPI document (every documented route answers: no drift the other way round from the unit
// test), and the Origin rules with CORS on REST and on the WebSocket upgrade.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { WebSocket, newUser, startChatd } from './lib/harness.mjs';

/// Opens a WebSocket to /ws/chat with an Origin; resolves to 'open' or the HTTP status refused.
function upgrade(node, origin) {
  return new Promise(resolve => {
    const socket = new WebSocket(node.url.replace('http', 'ws') + '/ws/chat', ['v12.stomp'], origin ? { origin } : {});
    socket.on('open', () => { resolve({ opened: true, protocol: socket.protocol }); socket.close(); });
    socket.on('unexpected-response', (_, response) => resolve({ opened: false, status: response.statusCode }));
    socket.on('error', () => resolve({ opened: false }));
  });
}

describe('web', () => {
  let node;
  let user;

  before(async () => {
    node = await startChatd(['--web.allowed-origins=https://friend.example']);
    user = await newUser(node, 'webby');
  });

  after(async () => {
    await node?.stop();
  });

  it('serves the web client with its policy, hashed assets for a year, and Swagger UI', async () => {
    const page = await fetch(node.url + '/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    assert.match(page.headers.get('content-security-policy'), /default-src 'self'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const html = await page.text();
    const script = html.match(/src="(\/assets\/app-[A-Za-z0-9]+\.js)"/)[1];
    const asset = await fetch(node.url + script);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type'), /^text\/javascript/);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.doesNotMatch(html, /https?:\/\//, 'nothing from a CDN');
    const swagger = await fetch(node.url + '/swagger-ui', { redirect: 'manual' });
    assert.equal(swagger.status, 301);
    assert.equal(swagger.headers.get('location'), '/swagger-ui/');
    assert.equal((await fetch(node.url + '/swagger-ui/')).status, 200);
    assert.equal((await fetch(node.url + '/swagger-ui/swagger-ui-bundle.js')).status, 200);
    assert.equal((await fetch(node.url + '/no-such-file.js')).status, 404);
    assert.equal((await fetch(node.url + '/%2e%2e/%2e%2e/etc/passwd')).status, 404);
  });

  it('every route of the OpenAPI document answers (none is unknown to the router)', async () => {
    const answer = await fetch(node.url + '/api/v1/openapi.json');
    assert.equal(answer.status, 200);
    const document = await answer.json();
    assert.equal(document.openapi, '3.1.0');
    let count = 0;
    for (const [route, operations] of Object.entries(document.paths))
      for (const method of Object.keys(operations)) {
        const url = node.url + route.replace(/\{[^}]+\}/g, '1');
        const response = await fetch(url, {
          method: method.toUpperCase(),
          headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'application/json' },
          body: ['post', 'put'].includes(method) ? '{}' : undefined,
        });
        const text = await response.text();
        assert.notEqual(response.status, 405, `${method} ${route}: ${text}`);
        assert.ok(!(response.status === 404 && text.includes('no such endpoint')), `${method} ${route} is not routed`);
        assert.ok(response.status < 500 || response.status === 503, `${method} ${route}: ${response.status} ${text}`);
        ++count;
      }
    assert.ok(count > 60, `${count} operations`);
  });

  it('token answers are never cached', async () => {
    const login = await fetch(node.url + '/api/v1/auth/login', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: 'correct horse' }),
    });
    assert.equal(login.status, 200);
    assert.equal(login.headers.get('cache-control'), 'no-store');
  });

  it('refuses a foreign origin on REST and on the WebSocket upgrade; serves a configured one', async () => {
    const me = origin => fetch(node.url + '/api/v1/users/me', { headers: { Authorization: `Bearer ${user.token}`, Origin: origin } });
    const foreign = await me('https://evil.example');
    assert.equal(foreign.status, 403);
    assert.equal((await foreign.json()).code, 'FORBIDDEN');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(node.url + '/api/v1/users/me', { method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' } });
    assert.equal(preflight.status, 403);

    const friend = await me('https://friend.example');
    assert.equal(friend.status, 200);
    assert.equal(friend.headers.get('access-control-allow-origin'), 'https://friend.example');
    const friendPreflight = await fetch(node.url + '/api/v1/users/me', { method: 'OPTIONS',
      headers: { Origin: 'https://friend.example', 'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization' } });
    assert.equal(friendPreflight.status, 204);
    assert.match(friendPreflight.headers.get('access-control-allow-headers'), /Authorization/);
    // The node's own pages are same-origin.
    assert.equal((await me(node.url)).status, 200);

    assert.deepEqual(await upgrade(node, 'https://evil.example'), { opened: false, status: 403 });
    assert.deepEqual(await upgrade(node, 'https://friend.example'), { opened: true, protocol: 'v12.stomp' });
    assert.deepEqual(await upgrade(node, node.url), { opened: true, protocol: 'v12.stomp' });
    assert.deepEqual(await upgrade(node, null), { opened: true, protocol: 'v12.stomp' });
  });
});
