// Bad input of every kind gets the contract's error, and the server keeps serving others.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import WebSocket from 'ws';

import { makeToken, newUser, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

/// A raw WebSocket speaking hand-written STOMP, to send what no library would.
async function rawSocket(node, query = '') {
  const ws = new WebSocket(node.ws + query);
  const frames = [];
  let closed = false;
  ws.on('message', data => frames.push(data.toString()));
  const closedPromise = new Promise(resolve => ws.on('close', (code) => { closed = true; resolve(code); }));
  await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
  return {
    ws,
    frames,
    closed: () => closed,
    whenClosed: () => Promise.race([closedPromise, sleep(5000).then(() => 'still open')]),
    send: text => ws.send(text),
    connect: token => ws.send(`CONNECT\naccept-version:1.2\nhost:chat\nAuthorization:Bearer ${token}\n\n\0`),
  };
}

/// Sends a frame on a fresh connection and expects an ERROR frame, then the close.
async function expectProtocolError(node, token, frame, messagePattern) {
  const socket = await rawSocket(node);
  if (token) {
    socket.connect(token);
    await waitFor(() => socket.frames.some(f => f.startsWith('CONNECTED')), 'CONNECTED');
  }
  socket.send(frame);
  const code = await socket.whenClosed();
  assert.notEqual(code, 'still open', 'the server closes the connection');
  const error = socket.frames.find(f => f.startsWith('ERROR'));
  assert.ok(error, 'an ERROR frame before the close: ' + JSON.stringify(socket.frames));
  assert.match(error, messagePattern);
  return error;
}

describe('bad input', () => {
  let node;
  let alice;
  let bob;
  let mallory;
  let room;
  let watcher;

  before(async () => {
    node = await startChatd(['--gateway.max-frame-bytes=16384', '--gateway.max-content-bytes=8192',
      '--http.max-body-bytes=4096']);
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    mallory = await newUser(node, 'mallory');
    room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'guarded', type: 'GROUP', participantIds: [bob.id] }, alice.token)).body;
    // A healthy client that must keep working whatever the others send.
    watcher = await stompClient(node, bob.token);
    await watcher.subscribe(`/topic/messages/${room.id}`);
  });

  after(async () => {
    await watcher?.close();
    await node?.stop();
  });

  /// The server still serves the healthy client: a message goes through end to end.
  async function stillServing(tempId) {
    const sender = await stompClient(node, alice.token);
    sender.send('/app/chat', { roomId: room.id, content: 'still alive', tempId });
    await waitFor(() => watcher.inbox(`/topic/messages/${room.id}`).some(m => m.tempId === tempId),
      'the healthy client to receive ' + tempId);
    await sender.close();
    assert.equal((await rest(node, 'GET', '/healthz')).status, 200);
  }

  it('answers malformed frames with ERROR and closes only that connection', async () => {
    await expectProtocolError(node, alice.token, 'hello there\n\n\0', /malformed/);
    await expectProtocolError(node, alice.token, 'SEND\ndestination\n\n\0', /malformed/);
    await expectProtocolError(node, alice.token, 'SEND\ndestination:/app/chat\nbad\\tescape:x\n\n{}\0',
      /malformed/);
    await expectProtocolError(node, alice.token, 'SUBSCRIBE\nid:1\ndestination:/user/queue/errors\n\nbody\0',
      /malformed/);
    await expectProtocolError(node, undefined, 'SEND\ndestination:/app/chat\n\n{}\0', /not connected/);
    await expectProtocolError(node, alice.token, 'BEGIN\ntransaction:t\n\n\0', /transactions/);
    await expectProtocolError(node, alice.token, 'SUBSCRIBE\ndestination:/user/queue/errors\n\n\0',
      /needs an id/);
    await stillServing('after-malformed');
  });

  it('rejects a content-length that does not match the body', async () => {
    await expectProtocolError(node, alice.token,
      'SEND\ndestination:/app/chat\ncontent-length:5\n\nhello world\0', /malformed/);
    await expectProtocolError(node, alice.token,
      'SEND\ndestination:/app/chat\ncontent-length:abc\n\n{}\0', /malformed/);
    await stillServing('after-length');
  });

  it('rejects oversized frames', async () => {
    const big = JSON.stringify({ roomId: room.id, content: 'x'.repeat(20000), tempId: 'big' });
    await expectProtocolError(node, alice.token, `SEND\ndestination:/app/chat\n\n${big}\0`, /too large/);
    await stillServing('after-oversized');
  });

  it('reports bad JSON, bad fields and unknown destinations on /user/queue/errors', async () => {
    const client = await stompClient(node, alice.token);
    await client.subscribe('/user/queue/errors');
    await client.subscribe(`/topic/message/status/${room.id}`);
    client.send('/app/chat', '{"roomId": 1, "content": ');
    client.send('/app/chat', { roomId: 'seven', content: 'x', tempId: 'a' });
    client.send('/app/chat', { roomId: room.id, content: '', tempId: 'b' });
    client.send('/app/chat', { roomId: room.id, content: 'x'.repeat(9000), tempId: 'c' });
    client.send('/app/chat', { roomId: room.id, content: 'no temp id' });
    client.send('/app/chat', { roomId: room.id, content: 'x', tempId: 'd', mentions: ['bob'] });
    client.send('/app/nowhere', { roomId: room.id });
    await client.subscribe('/topic/nowhere/1');
    const errors = client.inbox('/user/queue/errors');
    await waitFor(() => errors.length >= 8, 'eight errors');
    assert.deepEqual(errors.map(e => e.code),
      ['BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST', 'BAD_REQUEST',
        'UNKNOWN_DESTINATION', 'UNKNOWN_DESTINATION']);
    assert.equal(errors[3].tempId, 'c');
    for (const e of errors) assert.equal(typeof e.message, 'string');
    // The connection stays: a good message still goes through.
    client.send('/app/chat', { roomId: room.id, content: 'fine', tempId: 'good' });
    await waitFor(() => client.inbox(`/topic/message/status/${room.id}`).some(s => s.tempId === 'good' && s.status === 'SAVED'),
      'SAVED after the errors');
    assert.equal(client.errors.length, 0);
    await client.close();
  });

  it('does not let non-members subscribe or send', async () => {
    const client = await stompClient(node, mallory.token);
    await client.subscribe('/user/queue/errors');
    await client.subscribe(`/topic/messages/${room.id}`);
    await client.subscribe(`/topic/message/status/${room.id}`);
    client.send('/app/chat', { roomId: room.id, content: 'let me in', tempId: 'intruder' });
    client.send('/app/sync', { roomId: room.id, afterSeq: 0 });
    await waitFor(() => client.inbox('/user/queue/errors').length >= 4, 'four errors');
    assert.deepEqual(client.inbox('/user/queue/errors').map(e => e.code),
      ['NOT_MEMBER', 'NOT_MEMBER', 'NOT_MEMBER', 'NOT_MEMBER']);
    await sleep(300);
    assert.deepEqual(client.inbox(`/topic/messages/${room.id}`), []);
    const history = await rest(node, 'GET', `/api/v1/messages/${room.id}?limit=200`, undefined, alice.token);
    assert.ok(!history.body.messages.some(m => m.tempId === 'intruder'));
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, mallory.token)).status, 403);
    assert.equal((await rest(node, 'GET', `/api/v1/messages/${room.id}`, undefined, mallory.token)).status, 403);
    await client.close();
  });

  it('refuses expired, forged, unsigned and refresh tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: String(alice.id), username: alice.username, typ: 'access', iat: now - 7200 };
    const expired = makeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: now - 3600 }, node.secret);
    const forged = makeToken({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: now + 3600 }, 'not-the-key-of-this-server');
    const unsigned = makeToken({ alg: 'none', typ: 'JWT' }, { ...claims, exp: now + 3600 });
    const garbage = 'eyJhbGciOiJIUzI1NiJ9.not.a-token';
    for (const token of [expired, forged, unsigned, garbage, alice.refresh]) {
      const socket = await rawSocket(node);
      socket.connect(token);
      assert.notEqual(await socket.whenClosed(), 'still open');
      assert.match(socket.frames.find(f => f.startsWith('ERROR')) || '', /authentication failed/);
      const res = await rest(node, 'GET', '/api/v1/users/me', undefined, token);
      assert.equal(res.status, 401);
      assert.equal(res.body.code, 'UNAUTHORIZED');
    }
    assert.equal((await rest(node, 'GET', '/api/v1/users/me')).status, 401);
    // The URL token works as the contract says; a refresh token refreshes.
    const viaUrl = await rawSocket(node, `?token=${alice.token}`);
    viaUrl.send('CONNECT\naccept-version:1.2\nhost:chat\n\n\0');
    await waitFor(() => viaUrl.frames.some(f => f.startsWith('CONNECTED')), 'CONNECTED with ?token=');
    viaUrl.ws.close();
    const refreshed = await rest(node, 'POST', '/api/v1/auth/refresh', { refreshToken: alice.refresh });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.user.id, alice.id);
    assert.equal((await rest(node, 'POST', '/api/v1/auth/refresh', { refreshToken: alice.token })).status, 401);
    assert.equal((await rest(node, 'POST', '/api/v1/auth/login', { username: alice.username, password: 'wrong password' })).status, 401);
    await stillServing('after-tokens');
  });

  it('stores SQL-looking strings verbatim in every field', async () => {
    const evil = "Robert'); DROP TABLE users; --";
    const signup = await rest(node, 'POST', '/api/v1/auth/signup',
      { username: 'bobby' + Date.now(), password: "' OR '1'='1", nickname: evil });
    assert.equal(signup.status, 201);
    assert.equal(signup.body.nickname, evil);
    assert.equal((await rest(node, 'POST', '/api/v1/auth/signup', { username: "x'; DROP TABLE users;--", password: 'long enough' })).status, 400);
    const login = await rest(node, 'POST', '/api/v1/auth/login', { username: signup.body.username, password: "' OR '1'='1" });
    assert.equal(login.status, 200);
    const title = "x'; DELETE FROM rooms; --";
    const evilRoom = await rest(node, 'POST', '/api/v1/chatrooms', { title, type: 'GROUP', participantIds: [] }, login.body.accessToken);
    assert.equal(evilRoom.status, 201);
    assert.equal(evilRoom.body.title, title);
    const client = await stompClient(node, login.body.accessToken);
    await client.subscribe(`/topic/messages/${evilRoom.body.id}`);
    const content = "'; DROP TABLE messages; -- \\ \" \u00e9\u6f22\ud83d\ude00";
    const tempId = "1' OR '1'='1";
    client.send('/app/chat', { roomId: evilRoom.body.id, content, tempId });
    await waitFor(() => client.inbox(`/topic/messages/${evilRoom.body.id}`).length === 1, 'the evil message');
    const echoed = client.inbox(`/topic/messages/${evilRoom.body.id}`)[0];
    assert.equal(echoed.content, content);
    assert.equal(echoed.tempId, tempId);
    // threadId and replyTo name messages of the room: SQL-looking ones are refused, not stored.
    const statuses = `/topic/message/status/${evilRoom.body.id}`;
    await client.subscribe(statuses);
    client.send('/app/chat', { roomId: evilRoom.body.id, content, tempId: tempId + '2', threadId: "t'--", replyTo: 'r"' });
    await waitFor(() => client.inbox(statuses).some(s => s.tempId === tempId + '2' && s.status === 'FAILED'), 'FAILED for a bad threadId');
    const stored = await rest(node, 'GET', `/api/v1/messages/${evilRoom.body.id}`, undefined, login.body.accessToken);
    assert.equal(stored.body.messages[0].content, content);
    assert.equal((await rest(node, 'GET', '/api/v1/users/me', undefined, alice.token)).status, 200);
    await client.close();
    await stillServing('after-sql');
  });

  it('answers bad REST requests with their status codes and {code, message}', async () => {
    const cases = [
      [await rest(node, 'POST', '/api/v1/auth/signup', undefined, undefined, '{not json'), 400, 'BAD_REQUEST'],
      [await rest(node, 'POST', '/api/v1/auth/signup', { username: 'ab', password: 'long enough' }), 400, 'BAD_REQUEST'],
      [await rest(node, 'POST', '/api/v1/auth/signup', { username: alice.username, password: 'long enough' }), 409, 'CONFLICT'],
      [await rest(node, 'POST', '/api/v1/chatrooms', { title: 'x', type: 'CIRCLE' }, alice.token), 400, 'BAD_REQUEST'],
      [await rest(node, 'POST', '/api/v1/chatrooms', { title: 'x', type: 'GROUP', participantIds: [999999] }, alice.token), 404, 'NOT_FOUND'],
      [await rest(node, 'GET', '/api/v1/chatrooms/999999', undefined, alice.token), 404, 'NOT_FOUND'],
      [await rest(node, 'GET', '/api/v1/chatrooms/abc', undefined, alice.token), 400, 'BAD_REQUEST'],
      [await rest(node, 'GET', `/api/v1/messages/${room.id}?limit=1000`, undefined, alice.token), 400, 'BAD_REQUEST'],
      [await rest(node, 'GET', `/api/v1/messages/${room.id}?afterSeq=-1`, undefined, alice.token), 400, 'BAD_REQUEST'],
      [await rest(node, 'POST', '/api/v1/messages/mark-read', { roomId: 'x' }, alice.token), 400, 'BAD_REQUEST'],
      [await rest(node, 'POST', '/api/v1/auth/signup', { username: 'big' + Date.now(), password: 'x'.repeat(5000) }), 413, 'PAYLOAD_TOO_LARGE'],
      [await rest(node, 'GET', '/api/v1/nothing-here'), 404, 'NOT_FOUND'],
      [await rest(node, 'DELETE', '/api/v1/chatrooms', undefined, alice.token), 405, 'METHOD_NOT_ALLOWED'],
    ];
    for (const [res, status, code] of cases) {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.code, code);
      assert.equal(typeof res.body.message, 'string');
    }
    await stillServing('after-rest');
  });
});
