// The web client in a real browser (Debian's chromium): two users in two browser contexts sign
// up, create a room and exchange 50 messages that both see in order with SAVED marks; one loses
// its network (its connections cut by a proxy) while the other sends, then comes back and shows
// every message once; an edit, a reaction and a delete reach the other side; the room list's
// unread badge is exact. Swagger UI loads and its "try it out" of GET /healthz answers 200.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { rest, startChatd, unique } from '../e2e/lib/harness.mjs';
import { cuttableProxy, launchBrowser, screenshot } from './lib.mjs';

describe('web client', () => {
  let node;
  let proxy; // bob's way to the node
  let browser;
  let alice;
  let bob;
  const names = { alice: `alice_${unique()}`, bob: `bob_${unique()}` };

  async function signUp(url, username, nickname) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', error => console.log(`${username} page error: ${error.message}`));
    await page.goto(url + '/');
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', 'correct horse battery');
    await page.fill('input[name=nickname]', nickname);
    await page.click('[data-testid=signup]');
    await page.waitForSelector('[data-testid=connection].online');
    return page;
  }

  const messageTexts = page => page.$$eval('[data-testid=messages] > li.message[data-seq]',
    items => items.map(li => ({ seq: Number(li.dataset.seq), text: li.querySelector('[data-testid=content]').textContent })));
  const room = (page, title) => page.locator('[data-testid=rooms] li', { hasText: title });

  async function send(page, text) {
    await page.fill('[data-testid=composer]', text);
    await page.press('[data-testid=composer]', 'Enter');
  }

  async function seesInOrder(page, expected) {
    await page.waitForFunction(count => document.querySelectorAll('[data-testid=messages] > li.message[data-seq]').length >= count,
      expected.length, { timeout: 30000 });
    const shown = await messageTexts(page);
    assert.deepEqual(shown.map(m => m.text), expected, 'every message once, in order');
    const seqs = shown.map(m => m.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(new Set(seqs).size, seqs.length, 'no message twice');
  }

  before(async () => {
    node = await startChatd(['--gateway.send-rate=1000', '--gateway.send-burst=1000']);
    proxy = await cuttableProxy(node.url);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await node?.stop();
  });

  it('two users chat, one drops off the network and catches up, changes reach the other side', async () => {
    alice = await signUp(node.url, names.alice, 'Alice');
    bob = await signUp(proxy.url, names.bob, 'Bob');

    await alice.fill('[data-testid=new-room] input[name=title]', 'Browser room');
    await alice.fill('[data-testid=new-room] input[name=members]', names.bob);
    await alice.click('[data-testid=new-room] button');
    await alice.waitForSelector('[data-testid=room-title]:has-text("Browser room")');
    // The new room reaches bob's list live.
    await room(bob, 'Browser room').waitFor();
    await room(bob, 'Browser room').click();
    await bob.waitForSelector('[data-testid=room-title]:has-text("Browser room")');

    const expected = [];
    for (let i = 0; i < 50; ++i) {
      const [page, who] = i % 2 === 0 ? [alice, 'alice'] : [bob, 'bob'];
      const text = `${who} says ${i}`;
      expected.push(text);
      await send(page, text);
      // Each waits for its own message to be stored before the next one is typed, so that
      // the order typed is the order of the room.
      await page.waitForSelector(`[data-testid=messages] > li.message.mine[data-seq]:has-text("${text}") [data-status=SAVED]`);
    }
    await seesInOrder(alice, expected);
    await seesInOrder(bob, expected);
    for (const page of [alice, bob]) {
      const pending = await page.$$('[data-testid=messages] > li[data-temp-id]');
      assert.equal(pending.length, 0, 'nothing left SENDING');
      const mine = await page.$$('[data-testid=messages] > li.message.mine [data-status=SAVED]');
      assert.equal(mine.length, 25, 'a SAVED mark on each of one\'s own 25 messages');
    }
    await screenshot(alice, 'web-client-alice');

    // Bob loses the network; alice goes on.
    proxy.cut();
    await bob.waitForSelector('[data-testid=connection].reconnecting');
    await screenshot(bob, 'web-client-bob-reconnecting');
    for (let i = 50; i < 55; ++i) {
      const text = `alice says ${i} while bob is away`;
      expected.push(text);
      await send(alice, text);
      await alice.waitForSelector(`li.message.mine:has-text("${text}") [data-status=SAVED]`);
    }
    proxy.heal();
    await bob.waitForSelector('[data-testid=connection].online', { timeout: 20000 });
    await seesInOrder(bob, expected);

    // An edit, a reaction and a delete by alice show up on bob's side.
    const target = alice.locator('li.message.mine', { hasText: 'alice says 48' });
    await target.hover();
    await target.locator('[data-testid=edit]').click();
    await target.locator('[data-testid=edit-input]').fill('alice says 48, edited');
    await target.locator('[data-testid=edit-save]').click();
    await bob.waitForSelector('li.message:has-text("alice says 48, edited") [data-testid=edited]');
    const liked = alice.locator('li.message', { hasText: 'bob says 49' });
    await liked.hover();
    await liked.locator('button[data-reaction="👍"]').click();
    await bob.waitForSelector('li.message:has-text("bob says 49") [data-testid=reactions] [data-reaction="👍"]:has-text("1")');
    const removed = alice.locator('li.message.mine', { hasText: 'alice says 46' });
    await removed.hover();
    await removed.locator('[data-testid=delete]').click();
    await bob.waitForFunction(() => [...document.querySelectorAll('li.message.deleted [data-testid=content]')]
      .some(c => c.textContent === 'message deleted'));
    assert.equal(await bob.locator('li.message', { hasText: 'alice says 46' }).count(), 0, 'the deleted text is gone');
    await screenshot(bob, 'web-client-bob-changes');

    // The unread badge: bob looks at another room while alice writes, live and while he is away.
    await bob.fill('[data-testid=new-room] input[name=title]', 'Elsewhere');
    await bob.click('[data-testid=new-room] button');
    await bob.waitForSelector('[data-testid=room-title]:has-text("Elsewhere")');
    const badge = room(bob, 'Browser room').locator('[data-testid=unread]');
    for (let i = 0; i < 3; ++i) {
      await send(alice, `unread ${i}`);
      await alice.waitForSelector(`li.message.mine:has-text("unread ${i}") [data-status=SAVED]`);
    }
    await bob.waitForFunction(() => document.querySelector('[data-testid=rooms] li [data-testid=unread]')?.textContent === '3');
    proxy.cut();
    await bob.waitForSelector('[data-testid=connection].reconnecting');
    for (let i = 3; i < 5; ++i) {
      await send(alice, `unread ${i}`);
      await alice.waitForSelector(`li.message.mine:has-text("unread ${i}") [data-status=SAVED]`);
    }
    proxy.heal();
    await bob.waitForSelector('[data-testid=connection].online', { timeout: 20000 });
    await bob.waitForFunction(() => document.querySelector('[data-testid=rooms] li [data-testid=unread]')?.textContent === '5');
    assert.equal(await badge.textContent(), '5');
    // The server agrees.
    const token = (await rest(node, 'POST', '/api/v1/auth/login', { username: names.bob, password: 'correct horse battery' })).body.accessToken;
    const rooms = (await rest(node, 'GET', '/api/v1/chatrooms', undefined, token)).body;
    assert.equal(rooms.find(r => r.title === 'Browser room').unreadCount, 5);
    await screenshot(bob, 'web-client-bob-unread');
    await room(bob, 'Browser room').click();
    await bob.waitForSelector('li.message:has-text("unread 4")');
    assert.equal(await badge.count(), 0, 'no badge on the open room');
  });

  it('Swagger UI loads the API document and tries GET /healthz', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('console', message => { if (message.type() === 'error') errors.push(message.text()); });
    await page.goto(node.url + '/swagger-ui/');
    const operation = page.locator('.opblock-summary-path[data-path="/healthz"]').first();
    await operation.waitFor({ timeout: 20000 });
    await operation.click();
    await page.locator('.opblock.is-open button.try-out__btn').click();
    await page.locator('.opblock.is-open button.execute').click();
    const status = page.locator('.opblock.is-open .live-responses-table .response .response-col_status').first();
    await status.waitFor();
    assert.equal((await status.textContent()).trim(), '200');
    await screenshot(page, 'swagger-ui');
    assert.deepEqual(errors.filter(e => /Content Security Policy|Refused/.test(e)), [], 'nothing refused by the page policy');
  });
});
