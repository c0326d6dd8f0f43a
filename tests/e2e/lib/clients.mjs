// Real clients of a node: REST over fetch, STOMP over WebSocket with @stomp/stompjs and ws
// (npm), and tokens made by the test itself.
import crypto from 'node:crypto';

import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';

import { httpsRequest, unique } from './util.mjs';

// The fault suite (tests/fault) uses the same npm packages through this module.
export { Client, WebSocket };

/// A REST call; returns {status, body}.
export async function rest(node, method, route, body, token, raw) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = 'Bearer ' + token;
  const payload = raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body);
  // A TLS node's certificate is the test's own: fetch cannot be told to trust it.
  const res = node.ca ? await httpsRequest(node.url + route, { method, headers, body: payload, ca: node.ca })
    : await fetch(node.url + route, { method, headers, body: payload });
  const text = node.ca ? res.text : await res.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
  return { status: res.status, body: parsed };
}

/// Signs up and logs in a fresh user: {id, username, token, refresh}.
export async function newUser(node, name) {
  const username = `${name}${unique()}${Math.floor(Math.random() * 1e6)}`;
  const signup = await rest(node, 'POST', '/api/v1/auth/signup', { username, password: 'correct horse' });
  if (signup.status !== 201) throw new Error('signup: ' + JSON.stringify(signup));
  const login = await rest(node, 'POST', '/api/v1/auth/login', { username, password: 'correct horse' });
  if (login.status !== 200) throw new Error('login: ' + JSON.stringify(login));
  return { id: signup.body.id, username, token: login.body.accessToken, refresh: login.body.refreshToken };
}

/// A connected STOMP client (@stomp/stompjs over ws). `inbox(destination)` lists the parsed
/// bodies received on a destination; `errors` the STOMP ERROR frames.
export async function stompClient(node, token, options = {}) {
  const received = new Map();
  const errors = [];
  const client = new Client({
    webSocketFactory: options.webSocketFactory
      || (() => new WebSocket(options.url || node.ws, node.ca ? { ca: node.ca } : undefined)),
    connectHeaders: token === undefined ? {} : { Authorization: 'Bearer ' + token },
    reconnectDelay: 0,
    heartbeatIncoming: options.heartbeatIncoming ?? 10000,
    heartbeatOutgoing: options.heartbeatOutgoing ?? 10000,
    debug: () => {},
  });
  client.onStompError = frame => errors.push(frame);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('STOMP connect timed out')), 10000);
    client.onConnect = () => { clearTimeout(timer); resolve(); };
    client.onStompError = frame => { errors.push(frame); clearTimeout(timer); reject(new Error('STOMP error: ' + frame.headers.message)); };
    client.activate();
  });
  client.onStompError = frame => errors.push(frame);
  const inbox = destination => {
    if (!received.has(destination)) received.set(destination, []);
    return received.get(destination);
  };
  return {
    client,
    errors,
    inbox,
    /// Subscribes and waits for the server's receipt (the subscription is live then).
    subscribe(destination, headers = {}) {
      const receipt = crypto.randomUUID();
      const done = new Promise(resolve => client.watchForReceipt(receipt, resolve));
      const sub = client.subscribe(destination, msg => inbox(destination).push(JSON.parse(msg.body)),
        { ...headers, receipt });
      return done.then(() => sub);
    },
    send(destination, body) {
      client.publish({ destination, body: typeof body === 'string' ? body : JSON.stringify(body) });
    },
    close: () => client.deactivate(),
  };
}

/// A signed JWT made by the test itself (HS256 with `secret`, or any other header).
export function makeToken(header, claims, secret) {
  const encode = x => Buffer.from(JSON.stringify(x)).toString('base64url');
  const unsigned = encode(header) + '.' + encode(claims);
  if (!secret) return unsigned + '.';
  const signature = crypto.createHmac('sha256', secret).update(unsigned).digest('base64url');
  return unsigned + '.' + signature;
}
