// URL previews through a real chatd against HTTP servers this test starts on loopback (never the
// internet): Open Graph, the <title>/<meta name=description> fallback, a redirect chain, a
// redirect to a denied address, an oversized page, a slow page, a non-HTML type, a non-UTF-8
// charset, the cache answering a second message without a fetch, and a node with private
// addresses not allowed that never reaches the loopback server at all.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { metric, newUser, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

/// An HTTP server on `host` whose pages are the functions of `routes`; counts the requests per path.
async function pageServer(host, routes) {
  const hits = {};
  const server = http.createServer((request, response) => {
    const path = request.url.split('?')[0];
    hits[path] = (hits[path] || 0) + 1;
    const route = routes[path];
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    route(request, response);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const base = `http://${host}:${server.address().port}`;
  return {
    base,
    hits,
    count: path => hits[path] || 0,
    close: () => new Promise(resolve => { server.closeAllConnections(); server.close(resolve); }),
  };
}

const html = (response, body, type = 'text/html; charset=utf-8') =>
  response.writeHead(200, { 'Content-Type': type }).end(body);
const redirect = (response, location) => response.writeHead(302, { Location: location }).end();

// "안녕하세요" (hello) and "한국어 설명" (a description in Korean) in EUC-KR.
const eucKrTitle = Buffer.from('bec8b3e7c7cfbcbcbfe4', 'hex');
const eucKrDescription = Buffer.from('c7d1b1b9beee20bcb3b8ed', 'hex');

describe('URL previews', () => {
  let pages;
  let denied; // a second server on 127.0.0.2, which the node's deny-addresses refuses
  let node;
  let strictNode; // private addresses not allowed (the default)
  let alice;
  let bob;
  let room;
  let client;

  const outcomes = async target =>
    (await metric(target, 'chat_previews_fetched_total')) + (await metric(target, 'chat_previews_cached_total')) +
    (await metric(target, 'chat_previews_refused_total')) + (await metric(target, 'chat_previews_failed_total'));
  const send = async (target, user, roomId, content) => {
    const sent = await rest(target, 'POST', '/api/v1/messages',
      { roomId, content, tempId: 't' + Math.random() }, user.token);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    return sent.body;
  };
  const read = async (target, user, id) => (await rest(target, 'GET', `/api/v1/messages/${id}`, undefined, user.token)).body;
  const updates = () => client.inbox(`/topic/message/updates/${room.id}`).filter(u => u.kind === 'PREVIEW');

  /// Sends a message with `url` and waits until the node has settled its preview; the preview
  /// pushed and stored, or undefined when the node wrote none.
  async function previewOf(url, { target = node, user = alice, roomId = null, expectPreview = true } = {}) {
    const before = await outcomes(target);
    const message = await send(target, user, roomId ?? room.id, `look at ${url} please`);
    await waitFor(async () => (await outcomes(target)) > before, `the preview of ${url} settled`, 15000);
    if (expectPreview && target === node)
      await waitFor(() => updates().some(u => u.messageId === message.id), `the PREVIEW update of ${url}`);
    else
      await sleep(300); // a preview that should not exist has had time to show up
    const stored = await read(target, user, message.id);
    if (target === node) {
      const pushed = updates().find(u => u.messageId === message.id);
      assert.deepEqual(pushed?.message.urlPreview, stored.urlPreview, 'the pushed and the stored preview agree');
    }
    return stored.urlPreview;
  }

  before(async () => {
    const big = '<html><head><title>Too big</title></head><body>' + 'x'.repeat(2 * 1024 * 1024) + '</body></html>';
    pages = await pageServer('127.0.0.1', {
      '/og': (_, r) => html(r, `<!doctype html><html><head>
        <meta property="og:title" content="The OG title">
        <meta property="og:description" content="What Open Graph says">
        <meta property="og:image" content="/images/card.png">
        <meta property="og:site_name" content="Loopback News">
        <title>The plain title</title><meta name="description" content="not this one">
        </head><body>hello</body></html>`),
      '/plain': (_, r) => html(r, `<html><head><title> A  plain
        title </title><meta name="description" content="Described by meta"></head><body></body></html>`),
      '/r1': (_, r) => redirect(r, '/r2'),
      '/r2': (_, r) => redirect(r, `${pages.base}/r3`),
      '/r3': (_, r) => redirect(r, '/chain-end'),
      '/chain-end': (_, r) => html(r, '<html><head><title>End of the chain</title></head></html>'),
      '/loop1': (_, r) => redirect(r, '/loop2'),
      '/loop2': (_, r) => redirect(r, '/loop1'),
      '/to-denied': (_, r) => redirect(r, `${denied.base}/secret`),
      '/big': (_, r) => html(r, big),
      '/slow': (_, r) => { const timer = setTimeout(() => html(r, '<title>Too late</title>'), 4000); r.on('close', () => clearTimeout(timer)); },
      '/json': (_, r) => html(r, '{"title": "not a page"}', 'application/json'),
      '/image': (_, r) => html(r, Buffer.alloc(64, 0x89), 'image/png'),
      '/euc-kr': (_, r) => html(r, Buffer.concat([
        Buffer.from('<html><head><title>'), eucKrTitle, Buffer.from('</title><meta name="description" content="'),
        eucKrDescription, Buffer.from('"></head></html>')]), 'text/html; charset=EUC-KR'),
      '/euc-kr-meta': (_, r) => html(r, Buffer.concat([
        Buffer.from('<html><head><meta charset="euc-kr"><title>'), eucKrTitle, Buffer.from('</title></head></html>')]),
      'text/html'),
      '/cached': (_, r) => html(r, '<html><head><meta property="og:title" content="Fetched once"></head></html>'),
      '/private': (_, r) => html(r, '<title>Private page</title>'),
    });
    denied = await pageServer('127.0.0.2', {
      '/secret': (_, r) => html(r, '<title>Internal only</title>'),
    });
    node = await startChatd(['--previews.allow-private', '--previews.deny-addresses=127.0.0.2/32',
      '--previews.timeout=1s', '--gateway.send-rate=1000', '--gateway.send-burst=1000']);
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    room = (await rest(node, 'POST', '/api/v1/chatrooms', { title: 'links', type: 'GROUP', participantIds: [bob.id] }, alice.token)).body;
    client = await stompClient(node, bob.token);
    await client.subscribe(`/topic/message/updates/${room.id}`);
  });

  after(async () => {
    await client?.close();
    await node?.stop();
    await strictNode?.stop();
    await pages?.close();
    await denied?.close();
  });

  it('reads Open Graph first, with the image made absolute', async () => {
    const preview = await previewOf(`${pages.base}/og`);
    assert.deepEqual(preview, {
      url: `${pages.base}/og`,
      title: 'The OG title',
      description: 'What Open Graph says',
      imageUrl: `${pages.base}/images/card.png`,
      siteName: 'Loopback News',
    });
    const update = updates().at(-1);
    assert.equal(update.roomId, room.id);
    assert.ok(update.version > 0);
  });

  it('falls back to <title> and <meta name=description>', async () => {
    const preview = await previewOf(`${pages.base}/plain`);
    assert.equal(preview.title, 'A plain title');
    assert.equal(preview.description, 'Described by meta');
    assert.equal(preview.imageUrl ?? null, null);
  });

  it('follows a chain of three redirects, and no more', async () => {
    const preview = await previewOf(`${pages.base}/r1`);
    assert.equal(preview.title, 'End of the chain');
    for (const hop of ['/r1', '/r2', '/r3', '/chain-end'])
      assert.equal(pages.count(hop), 1, hop);
    const refused = await metric(node, 'chat_previews_refused_total');
    assert.equal(await previewOf(`${pages.base}/loop1`, { expectPreview: false }), undefined);
    assert.equal(await metric(node, 'chat_previews_refused_total'), refused + 1);
    assert.equal(pages.count('/loop1') + pages.count('/loop2'), 4, 'the first request and three redirects');
  });

  it('refuses a redirect to a denied address before connecting to it', async () => {
    const refused = await metric(node, 'chat_previews_refused_total');
    assert.equal(await previewOf(`${pages.base}/to-denied`, { expectPreview: false }), undefined);
    assert.equal(pages.count('/to-denied'), 1);
    assert.equal(denied.count('/secret'), 0, 'the denied server never saw a request');
    assert.equal(await metric(node, 'chat_previews_refused_total'), refused + 1);
  });

  it('writes nothing for an oversized page, a slow page, or a page that is not HTML', async () => {
    const failed = await metric(node, 'chat_previews_failed_total');
    const refused = await metric(node, 'chat_previews_refused_total');
    assert.equal(await previewOf(`${pages.base}/big`, { expectPreview: false }), undefined);
    assert.equal(await metric(node, 'chat_previews_refused_total'), refused + 1, 'oversized is refused');
    const started = Date.now();
    assert.equal(await previewOf(`${pages.base}/slow`, { expectPreview: false }), undefined);
    assert.ok(Date.now() - started < 3500, 'the fetch gave up at its timeout, before the page answered');
    assert.equal(await metric(node, 'chat_previews_failed_total'), failed + 1, 'the slow page timed out');
    assert.equal(await previewOf(`${pages.base}/json`, { expectPreview: false }), undefined);
    assert.equal(await previewOf(`${pages.base}/image`, { expectPreview: false }), undefined);
    assert.equal(await metric(node, 'chat_previews_refused_total'), refused + 3, 'two types that are not HTML');
    assert.equal(updates().filter(u => /big|slow|json|image/.test(u.message.content)).length, 0);
  });

  it('decodes a non-UTF-8 charset, from the header or from <meta charset>', async () => {
    const fromHeader = await previewOf(`${pages.base}/euc-kr`);
    assert.equal(fromHeader.title, '안녕하세요');
    assert.equal(fromHeader.description, '한국어 설명');
    const fromMeta = await previewOf(`${pages.base}/euc-kr-meta`);
    assert.equal(fromMeta.title, '안녕하세요');
  });

  it('answers a second message with the same URL from the cache, without a fetch', async () => {
    const cachedBefore = await metric(node, 'chat_previews_cached_total');
    const first = await previewOf(`${pages.base}/cached`);
    assert.equal(pages.count('/cached'), 1);
    const second = await previewOf(`${pages.base}/cached`);
    assert.deepEqual(second, first);
    assert.equal(pages.count('/cached'), 1, 'the page was fetched once');
    assert.equal(await metric(node, 'chat_previews_cached_total'), cachedBefore + 1);
  });

  it('a node that does not allow private addresses never reaches a loopback server', async () => {
    strictNode = await startChatd();
    const carol = await newUser(strictNode, 'carol');
    const own = (await rest(strictNode, 'POST', '/api/v1/chatrooms', { title: 'strict', type: 'GROUP', participantIds: [] }, carol.token)).body;
    const refused = await metric(strictNode, 'chat_previews_refused_total');
    for (const url of [`${pages.base}/private`, `http://localhost:${pages.base.split(':')[2]}/private`,
      `http://[::ffff:127.0.0.1]:${pages.base.split(':')[2]}/private`])
      assert.equal(await previewOf(url, { target: strictNode, user: carol, roomId: own.id, expectPreview: false }), undefined, url);
    assert.equal(await metric(strictNode, 'chat_previews_refused_total'), refused + 3);
    assert.equal(pages.count('/private'), 0, 'the loopback server saw no request');
  });
});
