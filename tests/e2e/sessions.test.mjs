// Sessions and logins as a user and an attacker meet them: refresh tokens that rotate (a reused
// one ends its whole login), logout, STOMP sessions that end with their access token unless
// the client sends a fresh one to /app/token, failed logins throttled per
// username and per client address (429 with Retry-After, right password or not), unknown names
// answered like wrong passwords, taken names refused before any hashing, and log lines about
// refusals that never carry a password or a token.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { makeToken, newUser, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

/// A login from `localAddress` (another loopback address is another client).
function loginFrom(node, localAddress, username, password) {
  const url = new URL(node.url);
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: '/api/v1/auth/login', method: 'POST', localAddress,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, res => {
      let text = '';
      res.on('data', chunk => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('sessions', () => {
  let node;
  let alice;
  let bob;

  before(async () => {
    node = await startChatd(['--log.level=info', '--auth.login-name-burst=3', '--auth.login-name-rate=0.01',
      '--auth.login-address-burst=5', '--auth.login-address-rate=0.01']);
    alice = await newUser(node, 'sessalice');
    bob = await newUser(node, 'sessbob');
  });

  after(async () => {
    await node?.stop();
  });

  const refresh = token => rest(node, 'POST', '/api/v1/auth/refresh', { refreshToken: token });
  const login = async user => (await rest(node, 'POST', '/api/v1/auth/login', { username: user.username, password: 'correct horse' })).body;

  it('rotates refresh tokens: each works once and the next one carries on', async () => {
    const first = await login(alice);
    const second = await refresh(first.refreshToken);
    assert.equal(second.status, 200);
    assert.notEqual(second.body.refreshToken, first.refreshToken);
    assert.equal(second.body.user.id, alice.id);
    assert.equal((await rest(node, 'GET', '/api/v1/users/me', undefined, second.body.accessToken)).status, 200);
    const third = await refresh(second.body.refreshToken);
    assert.equal(third.status, 200);
    // Another login of the same user is a family of its own.
    const other = await login(alice);
    assert.equal((await refresh(other.refreshToken)).status, 200);
  });

  it('ends the whole login when an old refresh token is used again', async () => {
    const first = await login(alice);
    const second = (await refresh(first.refreshToken)).body;
    const replay = await refresh(first.refreshToken);
    assert.equal(replay.status, 401);
    assert.match(replay.body.message, /used twice/);
    // The thief's replay also ends what the rightful client holds.
    assert.equal((await refresh(second.refreshToken)).status, 401);
    // Other logins are not touched.
    const other = await login(alice);
    assert.equal((await refresh(other.refreshToken)).status, 200);
  });

  it('logs out: the refresh token and every one rotated from it stop working', async () => {
    const first = await login(bob);
    const second = (await refresh(first.refreshToken)).body;
    const out = await rest(node, 'POST', '/api/v1/auth/logout', { refreshToken: second.refreshToken });
    assert.equal(out.status, 204);
    assert.equal((await refresh(second.refreshToken)).status, 401);
    assert.equal((await refresh(first.refreshToken)).status, 401);
    // Idempotent, and only refresh tokens name a login.
    assert.equal((await rest(node, 'POST', '/api/v1/auth/logout', { refreshToken: second.refreshToken })).status, 204);
    assert.equal((await rest(node, 'POST', '/api/v1/auth/logout', { refreshToken: second.accessToken })).status, 401);
    assert.equal((await rest(node, 'POST', '/api/v1/auth/logout', {})).status, 401);
    assert.equal((await login(bob)).user.id, bob.id, 'a new login works');
  });

  it('ends a STOMP session when its access token expires, unless a fresh one came', async () => {
    const now = Math.floor(Date.now() / 1000);
    const shortLived = makeToken({ alg: 'HS256', typ: 'JWT' },
      { sub: String(alice.id), username: alice.username, typ: 'access', jti: `short-${now}`, iat: now, exp: now + 6 }, node.secret);
    const lapsing = await stompClient(node, shortLived);
    const renewed = await stompClient(node, shortLived);
    await renewed.subscribe('/user/queue/errors');
    renewed.send('/app/token', { accessToken: bob.token });
    renewed.send('/app/token', { accessToken: 'not a token' });
    await waitFor(() => renewed.inbox('/user/queue/errors').length >= 2, 'the refusals');
    assert.deepEqual(renewed.inbox('/user/queue/errors').map(e => e.code), ['FORBIDDEN', 'UNAUTHORIZED']);
    renewed.send('/app/token', { accessToken: alice.token });
    await waitFor(() => lapsing.errors.length > 0, 'the lapsing session to end', 20000);
    assert.equal(lapsing.errors[0].headers.message, 'access token expired');
    // The renewed session is still there, well past the first token's expiry.
    await sleep(1500);
    assert.equal(renewed.errors.length, 0);
    const room = (await rest(node, 'POST', '/api/v1/chatrooms', { title: 'renewed', type: 'GROUP', participantIds: [] }, alice.token)).body;
    await renewed.subscribe(`/topic/messages/${room.id}`);
    renewed.send('/app/chat', { roomId: room.id, content: 'still here', tempId: 'renewed-1' });
    await waitFor(() => renewed.inbox(`/topic/messages/${room.id}`).length === 1, 'the message');
    await lapsing.close();
    await renewed.close();
  });

  it('answers an unknown name like a wrong password and refuses a taken name', async () => {
    const unknown = await loginFrom(node, '127.0.0.1', 'nobody_here_at_all', 'whatever pass');
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.message, 'invalid username or password');
    const taken = await rest(node, 'POST', '/api/v1/auth/signup', { username: alice.username, password: 'another password' });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, 'CONFLICT');
  });

  it('throttles failed logins of a username, right password or not, from any address', async () => {
    for (let i = 0; i < 3; ++i)
      assert.equal((await loginFrom(node, '127.0.0.3', alice.username, 'wrong horse')).status, 401);
    const throttled = await loginFrom(node, '127.0.0.3', alice.username, 'correct horse');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.code, 'RATE_LIMITED');
    assert.ok(Number(throttled.retryAfter) >= 1, 'Retry-After in seconds');
    assert.equal((await loginFrom(node, '127.0.0.4', alice.username, 'correct horse')).status, 429);
    // Another name from the same address is not this name's problem.
    assert.equal((await loginFrom(node, '127.0.0.3', bob.username, 'correct horse')).status, 200);
  });

  it('throttles an address that fails with many names, and only that address', async () => {
    for (let i = 0; i < 5; ++i)
      assert.equal((await loginFrom(node, '127.0.0.5', `guess${i}_${bob.username}`, 'wrong horse')).status, 401);
    const throttled = await loginFrom(node, '127.0.0.5', bob.username, 'correct horse');
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.retryAfter) >= 1);
    assert.equal((await loginFrom(node, '127.0.0.6', bob.username, 'correct horse')).status, 200);
  });

  it('does not count successful logins', async () => {
    for (let i = 0; i < 8; ++i)
      assert.equal((await loginFrom(node, '127.0.0.7', bob.username, 'correct horse')).status, 200);
  });

  it('logs refusals with names and addresses, never passwords or tokens', async () => {
    const secretPassword = 'never-in-the-log-42';
    await loginFrom(node, '127.0.0.8', bob.username + 'x', secretPassword);
    const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNlY3JldA';
    assert.equal((await rest(node, 'GET', '/api/v1/users/me', undefined, forged)).status, 401);
    const log = node.output();
    assert.match(log, new RegExp(`login of '${bob.username}x' from 127\\.0\\.0\\.8 refused: unknown username`));
    assert.match(log, /token refused for GET \/api\/v1\/users\/me from 127\.0\.0\.1/);
    assert.ok(!log.includes(secretPassword), 'no password in the log');
    assert.ok(!log.includes(forged) && !log.includes(alice.token), 'no token in the log');
    assert.ok(!log.includes('correct horse'));
  });
});
