// The gateway's limits: a slow client is cut off (bounded outbound queue) while others keep
// receiving; the per-user rate limit answers with RATE_LIMITED; heart-beats and the connect
// timeout are enforced.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import WebSocket from 'ws';

import { metric, newUser, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

function openRaw(node) {
  const ws = new WebSocket(node.ws);
  const frames = [];
  const state = { closed: false };
  ws.on('message', data => frames.push(data.toString()));
  ws.on('close', () => { state.closed = true; });
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, frames, state }));
    ws.on('error', reject);
  });
}

describe('slow consumers', () => {
  let node;
  let alice;
  let bob;
  let room;

  before(async () => {
    node = await startChatd(['--gateway.max-outbound-frames=256', '--gateway.send-rate=10000',
      '--gateway.send-burst=10000']);
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'busy', type: 'GROUP', participantIds: [bob.id] }, alice.token)).body;
  });

  after(async () => node?.stop());

  it('disconnects a client that stops reading, and only that client', async () => {
    const healthy = await stompClient(node, bob.token);
    await healthy.subscribe(`/topic/messages/${room.id}`);
    const slow = await openRaw(node);
    slow.ws.send(`CONNECT\naccept-version:1.2\nhost:chat\nAuthorization:Bearer ${bob.token}\nheart-beat:0,0\n\n\0`);
    await waitFor(() => slow.frames.some(f => f.startsWith('CONNECTED')), 'CONNECTED');
    slow.ws.send(`SUBSCRIBE\nid:s\ndestination:/topic/messages/${room.id}\nreceipt:r\n\n\0`);
    await waitFor(() => slow.frames.some(f => f.startsWith('RECEIPT')), 'the subscription');
    assert.equal(slow.frames.find(f => f.startsWith('RECEIPT')), 'RECEIPT\nreceipt-id:r\n\n\0');
    slow.ws._socket.pause(); // stop reading: the kernel buffers fill, then the server's queue
    const sender = await stompClient(node, alice.token);
    const content = 'x'.repeat(8000);
    // Enough to fill the paused socket's kernel buffers (megabytes on loopback) and then the
    // server's queue of 256 frames. Sent in chunks that the healthy client reads in between:
    // the clients share this process, and a flooding sender would starve their reading.
    const total = 3000;
    const chunk = 100;
    for (let sent = 0; sent < total; sent += chunk) {
      for (let i = sent; i < sent + chunk; ++i)
        sender.send('/app/chat', { roomId: room.id, content, tempId: `bulk-${i}` });
      await waitFor(() => healthy.inbox(`/topic/messages/${room.id}`).length >= sent + chunk,
        `the healthy client to get ${sent + chunk} messages`, 30000);
    }
    await waitFor(async () => (await metric(node, 'chat_slow_consumers_dropped_total')) >= 1,
      'the slow consumer to be dropped', 30000);
    assert.equal(await metric(node, 'chat_slow_consumers_dropped_total'), 1, 'only the slow one');
    assert.equal(healthy.errors.length, 0);
    const seqs = healthy.inbox(`/topic/messages/${room.id}`).map(m => m.seq);
    assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i + 1));
    slow.ws._socket.resume();
    await waitFor(() => slow.state.closed, 'the slow connection to close', 20000);
    const error = slow.frames.find(f => f.startsWith('ERROR'));
    assert.ok(error, 'an ERROR frame before the close');
    assert.match(error, /slow consumer/);
    assert.ok(slow.frames.length < total, 'the slow client did not get everything queued');
    await sender.close();
    await healthy.close();
  });
});

describe('rate limit and heart-beats', () => {
  let node;
  let alice;
  let room;

  before(async () => {
    node = await startChatd(['--gateway.send-rate=2', '--gateway.send-burst=5',
      '--gateway.heartbeat=500ms', '--gateway.connect-timeout=1s']);
    alice = await newUser(node, 'alice');
    room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'calm', type: 'GROUP', participantIds: [] }, alice.token)).body;
  });

  after(async () => node?.stop());

  it('answers sends over the per-user rate with RATE_LIMITED and keeps the connection', async () => {
    const client = await stompClient(node, alice.token, { heartbeatIncoming: 0, heartbeatOutgoing: 0 });
    await client.subscribe('/user/queue/errors');
    await client.subscribe(`/topic/message/status/${room.id}`);
    for (let i = 0; i < 20; ++i)
      client.send('/app/chat', { roomId: room.id, content: 'spam', tempId: `burst-${i}` });
    const errors = client.inbox('/user/queue/errors');
    await waitFor(() => errors.length >= 15, 'rate-limit errors');
    assert.ok(errors.every(e => e.code === 'RATE_LIMITED'));
    assert.ok(errors.every(e => e.tempId.startsWith('burst-')));
    const statuses = client.inbox(`/topic/message/status/${room.id}`);
    await waitFor(() => statuses.filter(s => s.status === 'SAVED').length >= 5, 'the burst to be saved');
    const saved = statuses.filter(s => s.status === 'SAVED').length;
    assert.ok(saved >= 5 && saved <= 6, `saved ${saved}`);
    await sleep(1200); // tokens come back
    client.send('/app/chat', { roomId: room.id, content: 'later', tempId: 'later' });
    await waitFor(() => statuses.some(s => s.tempId === 'later' && s.status === 'SAVED'), 'a later send');
    assert.equal(client.errors.length, 0);
    await client.close();
  });

  it('sends heart-beats and closes a client that went silent', async () => {
    const raw = await openRaw(node);
    raw.ws.send(`CONNECT\naccept-version:1.2\nhost:chat\nAuthorization:Bearer ${alice.token}\nheart-beat:500,500\n\n\0`);
    await waitFor(() => raw.frames.some(f => f.startsWith('CONNECTED')), 'CONNECTED');
    const connected = raw.frames.find(f => f.startsWith('CONNECTED'));
    assert.match(connected, /heart-beat:500,500/);
    assert.match(connected, /version:1.2/);
    // One frame per WebSocket message, ending with exactly one NUL: a strict STOMP parser reads
    // no empty second frame.
    assert.ok(connected.endsWith('\n\n\0') && !connected.endsWith('\0\0'), JSON.stringify(connected));
    // The client promised a heart-beat every 500 ms and sends none: closed after twice that.
    await waitFor(() => raw.state.closed, 'the silent client to be closed', 5000);
    assert.ok(raw.frames.includes('\n'), 'server heart-beats arrived');
    assert.match(raw.frames.find(f => f.startsWith('ERROR')) || '', /heart-beat timeout/);
  });

  it('keeps a client that sends heart-beats', async () => {
    const raw = await openRaw(node);
    raw.ws.send(`CONNECT\naccept-version:1.2\nhost:chat\nAuthorization:Bearer ${alice.token}\nheart-beat:500,0\n\n\0`);
    const beat = setInterval(() => raw.ws.send('\n'), 400);
    await sleep(2500);
    clearInterval(beat);
    assert.equal(raw.state.closed, false);
    raw.ws.close();
  });

  it('closes a connection that never sends CONNECT', async () => {
    const raw = await openRaw(node);
    await waitFor(() => raw.state.closed, 'the connect timeout', 5000);
    assert.match(raw.frames.find(f => f.startsWith('ERROR')) || '', /CONNECT expected/);
  });
});
