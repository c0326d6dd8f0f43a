// What the browser tests share: Debian's chromium through playwright-core (never a downloaded
// browser), a TCP proxy that can cut a page's connections like a dropped network, screenshots.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { repo } from '../e2e/lib/harness.mjs';

export const screenshots = process.env.CHAT_SCREENSHOTS || path.join(repo, 'build', 'screenshots');

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // No sandbox as root; nothing of Chromium's own traffic (the machine has no internet).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page, name) {
  fs.mkdirSync(screenshots, { recursive: true });
  const file = path.join(screenshots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/// A loopback TCP proxy to `target` (a URL); `cut()` drops every connection and refuses new
/// ones (as a lost network would) until `heal()`.
export async function cuttableProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  let cut = false;
  const server = net.createServer(client => {
    if (cut) { client.destroy(); return; }
    const upstream = net.connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    cut() { cut = true; for (const socket of sockets) socket.destroy(); },
    heal() { cut = false; },
    close: () => new Promise(resolve => { for (const socket of sockets) socket.destroy(); server.close(resolve); }),
  };
}
