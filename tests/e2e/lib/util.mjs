// Small helpers of the end-to-end suites: waiting, ports, paths, unique names.
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../../..');
/// chatd's configuration file (CHATD_CONFIG: another one, e.g. an older binary's).
export const chatdConfig = process.env.CHATD_CONFIG || path.join(repo, 'config/chatd.ini');
export const testPg = process.env.CHAT_TEST_PG || 'host=127.0.0.1 port=5499 user=shoot';

let counter = 0;
/// A number unique in this test process (for database and user names).
export function unique() {
  return ++counter;
}

export function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/// Polls until `predicate()` is true; throws after `timeout` ms with `what`.
export async function waitFor(predicate, what, timeout = 15000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await sleep(20);
  }
  throw new Error('timed out waiting for ' + what);
}

/// A TCP port on loopback that nothing listens on.
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}


/// fetch-like request over https with a CA of the test's own (a node with [http] tls-cert):
/// resolves {status, headers, text}.
export function httpsRequest(url, { method = 'GET', headers = {}, body, ca } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca }, res => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', chunk => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error('https request timed out')));
    req.end(body);
  });
}
