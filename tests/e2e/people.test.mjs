// Profiles, status, user search, friends (requests, answers, pushes, breadth-first
// recommendations) and blocks through a real chatd, with their permission rules and bad input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { newUser, rest, startChatd, stompClient, waitFor } from './lib/harness.mjs';

describe('people', () => {
  let node;
  const clients = [];

  const befriend = async (a, b) => {
    const asked = await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: b.id }, a.token);
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const accepted = await rest(node, 'POST', `/api/v1/users/friends/requests/${asked.body.id}/accept`, undefined, b.token);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  };

  before(async () => {
    node = await startChatd();
  });

  after(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
  });

  it('profiles: update, read, sizes and URLs checked', async () => {
    const alice = await newUser(node, 'alice');
    const bob = await newUser(node, 'bob');
    const own = await rest(node, 'GET', `/api/v1/users/${alice.id}`, undefined, alice.token);
    assert.equal(own.status, 200);
    assert.equal(own.body.username, alice.username);
    assert.equal(own.body.status, 'ONLINE');
    assert.equal(own.body.lastSeenAt, null);
    const updated = await rest(node, 'PUT', '/api/v1/users/me',
      { nickname: 'Älice ✨', bio: 'hello there', avatarUrl: 'https://example.com/a.png' }, alice.token);
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.nickname, 'Älice ✨');
    assert.equal(updated.body.bio, 'hello there');
    // Only the fields sent change.
    const bioOnly = await rest(node, 'PUT', '/api/v1/users/me', { bio: 'new bio' }, alice.token);
    assert.equal(bioOnly.body.nickname, 'Älice ✨');
    assert.equal(bioOnly.body.avatarUrl, 'https://example.com/a.png');
    const seen = await rest(node, 'GET', `/api/v1/users/${alice.id}`, undefined, bob.token);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.bio, 'new bio');
    assert.equal(seen.body.id, alice.id);
    for (const [body, what] of [
      [{ nickname: '' }, 'empty nickname'],
      [{ nickname: 'x'.repeat(51) }, 'nickname of 51'],
      [{ nickname: 7 }, 'nickname not a string'],
      [{ bio: 'b'.repeat(501) }, 'bio of 501'],
      [{ avatarUrl: 'javascript:alert(1)' }, 'avatar not http'],
      [{ avatarUrl: 'https://x/' + 'a'.repeat(2048) }, 'avatar too long'],
    ]) {
      const res = await rest(node, 'PUT', '/api/v1/users/me', body, alice.token);
      assert.equal(res.status, 400, what);
      assert.equal(res.body.code, 'BAD_REQUEST', what);
    }
    // 50 characters of several bytes each is fine.
    assert.equal((await rest(node, 'PUT', '/api/v1/users/me', { nickname: '가'.repeat(50) }, alice.token)).status, 200);
    assert.equal((await rest(node, 'GET', '/api/v1/users/999999999', undefined, bob.token)).status, 404);
    assert.equal((await rest(node, 'GET', '/api/v1/users/abc', undefined, bob.token)).status, 400);
    assert.equal((await rest(node, 'GET', `/api/v1/users/${alice.id}`)).status, 401);
    assert.equal((await rest(node, 'PUT', '/api/v1/users/me', { bio: 'x' })).status, 401);
  });

  it('status: the four statuses and a status message; anything else is 400', async () => {
    const carol = await newUser(node, 'carol');
    for (const status of ['AWAY', 'BUSY', 'OFFLINE', 'ONLINE']) {
      const res = await rest(node, 'PUT', '/api/v1/users/status', { status, statusMessage: 'at ' + status }, carol.token);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, status);
      assert.equal(res.body.statusMessage, 'at ' + status);
    }
    assert.equal((await rest(node, 'PUT', '/api/v1/users/status', { status: 'ASLEEP' }, carol.token)).status, 400);
    assert.equal((await rest(node, 'PUT', '/api/v1/users/status', {}, carol.token)).status, 400);
    assert.equal((await rest(node, 'PUT', '/api/v1/users/status', { status: 'AWAY', statusMessage: 's'.repeat(141) }, carol.token)).status, 400);
  });

  it('search: a case-insensitive prefix of username or nickname, never the caller, bounded', async () => {
    const tag = 'zq' + Math.floor(Math.random() * 1e6);
    const searcher = await newUser(node, tag + 'me');
    const one = await newUser(node, tag + 'one');
    const two = await newUser(node, 'other');
    await rest(node, 'PUT', '/api/v1/users/me', { nickname: tag.toUpperCase() + ' Two' }, two.token);
    const found = await rest(node, 'GET', `/api/v1/users/search?q=${tag.toUpperCase()}`, undefined, searcher.token);
    assert.equal(found.status, 200);
    const ids = found.body.map(u => u.id).sort();
    assert.deepEqual(ids, [one.id, two.id].sort());
    assert.deepEqual(Object.keys(found.body[0]).sort(), ['id', 'nickname', 'username']);
    // Wildcards are literal.
    assert.deepEqual((await rest(node, 'GET', '/api/v1/users/search?q=%25%25', undefined, searcher.token)).body, []);
    const limited = await rest(node, 'GET', `/api/v1/users/search?q=${tag}&limit=1`, undefined, searcher.token);
    assert.equal(limited.body.length, 1);
    assert.equal((await rest(node, 'GET', '/api/v1/users/search?q=a', undefined, searcher.token)).status, 400);
    assert.equal((await rest(node, 'GET', '/api/v1/users/search', undefined, searcher.token)).status, 400);
    assert.equal((await rest(node, 'GET', `/api/v1/users/search?q=${'a'.repeat(101)}`, undefined, searcher.token)).status, 400);
    assert.equal((await rest(node, 'GET', `/api/v1/users/search?q=${tag}&limit=51`, undefined, searcher.token)).status, 400);
  });

  it('friends: request, push, accept, lists, remove; the rules of who may do what', async () => {
    const dana = await newUser(node, 'dana');
    const erin = await newUser(node, 'erin');
    const frank = await newUser(node, 'frank');
    const erinClient = await stompClient(node, erin.token);
    const danaClient = await stompClient(node, dana.token);
    clients.push(erinClient, danaClient);
    await erinClient.subscribe('/user/queue/friends');
    await danaClient.subscribe('/user/queue/friends');
    const asked = await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: erin.id }, dana.token);
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.equal(asked.body.from.id, dana.id);
    assert.equal(asked.body.to.id, erin.id);
    assert.ok(asked.body.createdAt);
    await waitFor(() => erinClient.inbox('/user/queue/friends').some(p => p.kind === 'REQUEST' && p.request.id === asked.body.id), 'REQUEST push');
    // Asking twice, asking oneself, asking a stranger id.
    assert.equal((await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: erin.id }, dana.token)).status, 409);
    assert.equal((await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: dana.id }, dana.token)).status, 400);
    assert.equal((await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: 999999999 }, dana.token)).status, 404);
    assert.equal((await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: 'x' }, dana.token)).status, 400);
    const lists = await rest(node, 'GET', '/api/v1/users/friends/requests', undefined, erin.token);
    assert.deepEqual(lists.body.incoming.map(r => r.id), [asked.body.id]);
    assert.deepEqual(lists.body.outgoing, []);
    // Only the addressee answers.
    assert.equal((await rest(node, 'POST', `/api/v1/users/friends/requests/${asked.body.id}/accept`, undefined, frank.token)).status, 403);
    assert.equal((await rest(node, 'POST', `/api/v1/users/friends/requests/${asked.body.id}/accept`, undefined, dana.token)).status, 403);
    assert.equal((await rest(node, 'POST', '/api/v1/users/friends/requests/999999999/accept', undefined, erin.token)).status, 404);
    const accepted = await rest(node, 'POST', `/api/v1/users/friends/requests/${asked.body.id}/accept`, undefined, erin.token);
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.friend.id, dana.id);
    await waitFor(() => danaClient.inbox('/user/queue/friends').some(p => p.kind === 'ACCEPTED' && p.friend.id === erin.id), 'ACCEPTED push to the requester');
    await waitFor(() => erinClient.inbox('/user/queue/friends').some(p => p.kind === 'ACCEPTED' && p.friend.id === dana.id), 'ACCEPTED push to the addressee');
    assert.deepEqual((await rest(node, 'GET', '/api/v1/users/friends', undefined, dana.token)).body.map(f => f.id), [erin.id]);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/users/friends', undefined, erin.token)).body.map(f => f.id), [dana.id]);
    assert.equal((await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: dana.id }, erin.token)).status, 409);
    // The request is gone once answered.
    assert.equal((await rest(node, 'POST', `/api/v1/users/friends/requests/${asked.body.id}/accept`, undefined, erin.token)).status, 404);
    assert.equal((await rest(node, 'DELETE', `/api/v1/users/friends/${erin.id}`, undefined, dana.token)).status, 204);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/users/friends', undefined, erin.token)).body, []);
    await waitFor(() => erinClient.inbox('/user/queue/friends').some(p => p.kind === 'REMOVED' && p.friend.id === dana.id), 'REMOVED push');
    assert.equal((await rest(node, 'DELETE', `/api/v1/users/friends/${erin.id}`, undefined, dana.token)).status, 404);
    // Asking someone who asked you already makes you friends at once.
    const back = await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: frank.id }, erin.token);
    assert.equal(back.status, 201);
    const mutual = await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: erin.id }, frank.token);
    assert.equal(mutual.status, 200, JSON.stringify(mutual.body));
    assert.equal(mutual.body.friend.id, erin.id);
    // Rejecting.
    const again = await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: dana.id }, frank.token);
    assert.equal((await rest(node, 'POST', `/api/v1/users/friends/requests/${again.body.id}/reject`, undefined, dana.token)).status, 204);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/users/friends/requests', undefined, frank.token)).body.outgoing, []);
  });

  it('recommendations: breadth-first by depth, then mutual friends, then id, with the exclusions', async () => {
    const me = await newUser(node, 'me');
    const [f1, f2, f3] = [await newUser(node, 'f1'), await newUser(node, 'f2'), await newUser(node, 'f3')];
    const [a, b, c, pendingUser, blockedUser] = [
      await newUser(node, 'a'), await newUser(node, 'b'), await newUser(node, 'c'),
      await newUser(node, 'pending'), await newUser(node, 'blocked')];
    const deep = await newUser(node, 'deep');
    for (const f of [f1, f2, f3]) await befriend(me, f);
    // a: friend of f1, f2, f3 (3 mutual); b: of f1, f2 (2); c: of f1 (1).
    for (const f of [f1, f2, f3]) await befriend(f, a);
    for (const f of [f1, f2]) await befriend(f, b);
    await befriend(f1, c);
    await befriend(f1, pendingUser);
    await befriend(f2, blockedUser);
    await befriend(c, deep); // depth 3
    await befriend(blockedUser, f3); // blocked users are no bridge and never shown
    assert.equal((await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: me.id }, pendingUser.token)).status, 201);
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', { targetUserId: blockedUser.id }, me.token)).status, 204);
    const two = await rest(node, 'GET', '/api/v1/users/recommendations', undefined, me.token);
    assert.equal(two.status, 200, JSON.stringify(two.body));
    assert.deepEqual(two.body.map(r => [r.user.id, r.depth, r.mutualFriends]),
      [[a.id, 2, 3], [b.id, 2, 2], [c.id, 2, 1]]);
    assert.equal(two.body[0].user.username, a.username);
    const three = await rest(node, 'GET', '/api/v1/users/recommendations?depth=3', undefined, me.token);
    assert.deepEqual(three.body.map(r => [r.user.id, r.depth]), [[a.id, 2], [b.id, 2], [c.id, 2], [deep.id, 3]]);
    const limited = await rest(node, 'GET', '/api/v1/users/recommendations?depth=3&limit=2', undefined, me.token);
    assert.deepEqual(limited.body.map(r => r.user.id), [a.id, b.id]);
    for (const q of ['depth=1', 'depth=5', 'limit=0', 'limit=101', 'depth=x'])
      assert.equal((await rest(node, 'GET', `/api/v1/users/recommendations?${q}`, undefined, me.token)).status, 400, q);
    // A user without friends gets nothing.
    const loner = await newUser(node, 'loner');
    assert.deepEqual((await rest(node, 'GET', '/api/v1/users/recommendations', undefined, loner.token)).body, []);
  });

  it('blocking: both ways for friendships, requests, DIRECT rooms and profiles; idempotent; unblock', async () => {
    const gina = await newUser(node, 'gina');
    const hank = await newUser(node, 'hank');
    await befriend(gina, hank);
    const dm = await rest(node, 'POST', '/api/v1/chatrooms', { title: 'dm', type: 'DIRECT', participantIds: [hank.id] }, gina.token);
    assert.equal(dm.status, 201);
    const sendTo = (user, tempId) => rest(node, 'POST', '/api/v1/messages', { roomId: dm.body.id, content: 'hi ' + tempId, tempId }, user.token);
    assert.equal((await sendTo(hank, 'before')).status, 201);
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', { targetUserId: hank.id }, gina.token)).status, 204);
    // Their DIRECT room takes nothing more, from either side, and stores nothing.
    for (const [user, tempId] of [[hank, 'after1'], [gina, 'after2']]) {
      const refused = await sendTo(user, tempId);
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'BLOCKED');
    }
    const history = await rest(node, 'GET', `/api/v1/messages/${dm.body.id}`, undefined, gina.token);
    assert.deepEqual(history.body.messages.map(m => m.tempId), ['before']);
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', { targetUserId: hank.id }, gina.token)).status, 204);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/users/blocked', undefined, gina.token)).body.map(u => u.id), [hank.id]);
    // The friendship ended for both.
    assert.deepEqual((await rest(node, 'GET', '/api/v1/users/friends', undefined, hank.token)).body, []);
    for (const [from, to] of [[gina, hank], [hank, gina]]) {
      const res = await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: to.id }, from.token);
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 'BLOCKED');
      const direct = await rest(node, 'POST', '/api/v1/chatrooms', { title: 'dm', type: 'DIRECT', participantIds: [to.id] }, from.token);
      assert.equal(direct.status, 403, JSON.stringify(direct.body));
      assert.equal(direct.body.code, 'BLOCKED');
    }
    // The blocked user no longer finds the blocker.
    assert.equal((await rest(node, 'GET', `/api/v1/users/${gina.id}`, undefined, hank.token)).status, 404);
    assert.equal((await rest(node, 'GET', `/api/v1/users/${hank.id}`, undefined, gina.token)).status, 200);
    const search = await rest(node, 'GET', `/api/v1/users/search?q=${gina.username}`, undefined, hank.token);
    assert.deepEqual(search.body, []);
    // Bad input.
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', { targetUserId: gina.id }, gina.token)).status, 400);
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', { targetUserId: 999999999 }, gina.token)).status, 404);
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', {}, gina.token)).status, 400);
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', { targetUserId: hank.id })).status, 401);
    // Unblocking opens the way again.
    assert.equal((await rest(node, 'DELETE', `/api/v1/users/block/${hank.id}`, undefined, gina.token)).status, 204);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/users/blocked', undefined, gina.token)).body, []);
    assert.equal((await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: gina.id }, hank.token)).status, 201);
    assert.equal((await rest(node, 'POST', '/api/v1/chatrooms', { title: 'dm', type: 'DIRECT', participantIds: [gina.id] }, hank.token)).status, 201);
    assert.equal((await sendTo(hank, 'unblocked')).status, 201);
  });
});
