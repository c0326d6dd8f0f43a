// Room management through a real chatd: roles and their permission rules, update, leave and
// delete for everyone, search, multiple creation (all or nothing, at most 20), notice,
// favorites, /app/rooms and /app/group-chat, the /user/queue/room-updates pushes, and the
// subscriptions a user loses with the room. Every change is one event in the room's version
// order in Kafka.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { newUser, readEvents, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

describe('rooms', () => {
  let node;
  const clients = [];

  const connect = async user => {
    const client = await stompClient(node, user.token);
    clients.push(client);
    await client.subscribe('/user/queue/room-updates');
    await client.subscribe('/user/queue/errors');
    return client;
  };
  const group = async (owner, members, title = 'group') => {
    const made = await rest(node, 'POST', '/api/v1/chatrooms',
      { title, type: 'GROUP', participantIds: members.map(m => m.id) }, owner.token);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return made.body;
  };
  const updates = (client, roomId, reason) =>
    client.inbox('/user/queue/room-updates').filter(u => u.roomId === roomId && (!reason || u.reason === reason));
  const roleOf = async (roomId, user, caller) => {
    const list = await rest(node, 'GET', `/api/v1/chatrooms/${roomId}/participants`, undefined, caller.token);
    return list.body.find(p => p.id === user.id)?.role;
  };

  before(async () => {
    node = await startChatd(['--gateway.send-rate=1000', '--gateway.send-burst=1000']);
  });

  after(async () => {
    for (const c of clients) await c.close();
    await node?.stop();
  });

  it('roles: the OWNER names ADMINs; ADMINs manage MEMBERs; MEMBERs manage only themselves', async () => {
    const [owner, admin, member, other, stranger] = await Promise.all(
      ['owner', 'admin', 'member', 'other', 'stranger'].map(n => newUser(node, n)));
    const room = await group(owner, [admin, member, other]);
    const memberClient = await connect(member);
    // Only the OWNER changes roles.
    for (const caller of [admin, member]) {
      const refused = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${other.id}/role`, { role: 'ADMIN' }, caller.token);
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
    }
    const strangerRole = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${other.id}/role`, { role: 'ADMIN' }, stranger.token);
    assert.equal(strangerRole.status, 403);
    const promoted = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${admin.id}/role`, { role: 'ADMIN' }, owner.token);
    assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
    assert.equal(promoted.body.id, admin.id);
    assert.equal(promoted.body.role, 'ADMIN');
    assert.equal(await roleOf(room.id, admin, member), 'ADMIN');
    await waitFor(() => updates(memberClient, room.id, 'ROLE_CHANGED').length === 1, 'the role change pushed');
    for (const [body, what] of [[{ role: 'OWNER' }, 'OWNER'], [{ role: 'king' }, 'unknown'], [{}, 'missing'], [{ role: 7 }, 'a number']]) {
      const bad = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${member.id}/role`, body, owner.token);
      assert.equal(bad.status, 400, what);
      assert.equal(bad.body.code, 'BAD_REQUEST', what);
    }
    const ownOwner = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${owner.id}/role`, { role: 'MEMBER' }, owner.token);
    assert.equal(ownOwner.status, 400);
    const notMember = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${stranger.id}/role`, { role: 'ADMIN' }, owner.token);
    assert.equal(notMember.status, 404);

    // A MEMBER neither adds nor removes others; an ADMIN does, but not another ADMIN or the OWNER.
    const memberAdds = await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/participants`, { userIds: [stranger.id] }, member.token);
    assert.equal(memberAdds.status, 403);
    const memberRemoves = await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}/participants/${other.id}`, undefined, member.token);
    assert.equal(memberRemoves.status, 403);
    const adminRemovesOwner = await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}/participants/${owner.id}`, undefined, admin.token);
    assert.equal(adminRemovesOwner.status, 403);
    const adminAdds = await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/participants`, { userIds: [stranger.id] }, admin.token);
    assert.ok([200, 201].includes(adminAdds.status), JSON.stringify(adminAdds.body));
    const adminRemoves = await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}/participants/${stranger.id}`, undefined, admin.token);
    assert.equal(adminRemoves.status, 204, JSON.stringify(adminRemoves.body));
    // Anyone may leave by removing themselves.
    const leaves = await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}/participants/${other.id}`, undefined, other.token);
    assert.equal(leaves.status, 204);
    const list = await rest(node, 'GET', `/api/v1/chatrooms/${room.id}/participants`, undefined, owner.token);
    assert.deepEqual(list.body.map(p => p.id).sort((a, b) => a - b), [owner.id, admin.id, member.id].sort((a, b) => a - b));
    for (const p of list.body) {
      assert.equal(typeof p.readSeq, 'number');
      assert.equal(typeof p.online, 'boolean');
      assert.ok(!Number.isNaN(Date.parse(p.joinedAt)));
    }
    assert.equal(list.body.find(p => p.id === member.id).online, true);
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}/participants`, undefined, stranger.token)).status, 403);
  });

  it('update: OWNER or ADMIN, sizes checked, every member told with the new room', async () => {
    const [owner, admin, member, stranger] = await Promise.all(['uowner', 'uadmin', 'umember', 'ustranger'].map(n => newUser(node, n)));
    const room = await group(owner, [admin, member], 'before');
    await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${admin.id}/role`, { role: 'ADMIN' }, owner.token);
    const memberClient = await connect(member);
    const updated = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}`, { title: 'after', description: 'what we talk about' }, admin.token);
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.title, 'after');
    assert.equal(updated.body.description, 'what we talk about');
    await waitFor(() => updates(memberClient, room.id, 'UPDATED').length === 1, 'the update pushed');
    const pushed = updates(memberClient, room.id, 'UPDATED')[0];
    assert.equal(pushed.room.title, 'after');
    assert.equal(pushed.room.myRole, 'MEMBER');
    // Only the fields sent change.
    const titleOnly = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}`, { title: 'again' }, owner.token);
    assert.equal(titleOnly.body.description, 'what we talk about');
    assert.equal((await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}`, { title: 'nope' }, member.token)).status, 403);
    assert.equal((await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}`, { title: 'nope' }, stranger.token)).status, 403);
    assert.equal((await rest(node, 'PUT', '/api/v1/chatrooms/999999999', { title: 'nope' }, owner.token)).status, 404);
    for (const [body, what] of [[{ title: '' }, 'empty title'], [{ title: 't'.repeat(101) }, 'long title'],
      [{ description: 'd'.repeat(501) }, 'long description'], [{ title: 5 }, 'title a number']]) {
      const bad = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}`, body, owner.token);
      assert.equal(bad.status, 400, what);
      assert.equal(bad.body.code, 'BAD_REQUEST', what);
    }
    const bogus = await rest(node, 'PUT', '/api/v1/chatrooms/abc', { title: 'x' }, owner.token);
    assert.equal(bogus.status, 400);
    const read = await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, member.token);
    assert.equal(read.body.title, 'again');
  });

  it('notice: OWNER or ADMIN set it, members read it, "" clears it', async () => {
    const [owner, member] = await Promise.all(['nowner', 'nmember'].map(n => newUser(node, n)));
    const room = await group(owner, [member]);
    const memberClient = await connect(member);
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}/notice`, undefined, member.token)).status, 404);
    const set = await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/notice`, { content: 'Be kind' }, owner.token);
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.content, 'Be kind');
    assert.equal(set.body.updatedBy, owner.id);
    const read = await rest(node, 'GET', `/api/v1/chatrooms/${room.id}/notice`, undefined, member.token);
    assert.equal(read.body.content, 'Be kind');
    assert.ok(!Number.isNaN(Date.parse(read.body.updatedAt)));
    await waitFor(() => updates(memberClient, room.id, 'NOTICE_CHANGED').length === 1, 'the notice pushed');
    assert.equal(updates(memberClient, room.id, 'NOTICE_CHANGED')[0].room.notice.content, 'Be kind');
    assert.equal((await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/notice`, { content: 'mine' }, member.token)).status, 403);
    assert.equal((await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/notice`, { content: 'n'.repeat(2001) }, owner.token)).status, 400);
    assert.equal((await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/notice`, {}, owner.token)).status, 400);
    const cleared = await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/notice`, { content: '' }, owner.token);
    assert.equal(cleared.status, 200);
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}/notice`, undefined, member.token)).status, 404);
  });

  it('favorites: per user, for members only, pushed to the own sessions only', async () => {
    const [owner, member, stranger] = await Promise.all(['fowner', 'fmember', 'fstranger'].map(n => newUser(node, n)));
    const room = await group(owner, [member]);
    const other = await group(owner, [member], 'other');
    const ownerClient = await connect(owner);
    const memberClient = await connect(member);
    assert.equal((await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/favorite`, undefined, member.token)).status, 204);
    // Twice is the same.
    assert.equal((await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/favorite`, undefined, member.token)).status, 204);
    const listed = await rest(node, 'GET', '/api/v1/chatrooms/favorites', undefined, member.token);
    assert.deepEqual(listed.body.map(r => r.id), [room.id]);
    assert.equal(listed.body[0].favorite, true);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/chatrooms/favorites', undefined, owner.token)).body, []);
    const rooms = await rest(node, 'GET', '/api/v1/chatrooms', undefined, member.token);
    assert.equal(rooms.body.find(r => r.id === room.id).favorite, true);
    assert.equal(rooms.body.find(r => r.id === other.id).favorite, false);
    await waitFor(() => updates(memberClient, room.id, 'FAVORITE_CHANGED').length >= 1, 'the favorite pushed');
    assert.equal(updates(ownerClient, room.id, 'FAVORITE_CHANGED').length, 0);
    assert.equal((await rest(node, 'POST', `/api/v1/chatrooms/${room.id}/favorite`, undefined, stranger.token)).status, 403);
    assert.equal((await rest(node, 'POST', '/api/v1/chatrooms/999999999/favorite', undefined, member.token)).status, 404);
    assert.equal((await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}/favorite`, undefined, member.token)).status, 204);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/chatrooms/favorites', undefined, member.token)).body, []);
  });

  it('search: the caller\'s rooms by title or participant name, case-insensitive', async () => {
    const [owner, member, stranger] = await Promise.all(['sowner', 'szebediah', 'sstranger'].map(n => newUser(node, n)));
    const mine = await group(owner, [member], 'Quarterly Planning 100%_x');
    await group(stranger, [], 'quarterly planning of strangers');
    const byTitle = await rest(node, 'GET', '/api/v1/chatrooms/search?q=QUARTERLY', undefined, owner.token);
    assert.equal(byTitle.status, 200);
    assert.deepEqual(byTitle.body.map(r => r.id), [mine.id]);
    const byName = await rest(node, 'GET', `/api/v1/chatrooms/search?q=${encodeURIComponent(member.username.slice(0, 8).toUpperCase())}`, undefined, owner.token);
    assert.deepEqual(byName.body.map(r => r.id), [mine.id]);
    // LIKE's wildcards are plain characters.
    assert.deepEqual((await rest(node, 'GET', '/api/v1/chatrooms/search?q=100%25_x', undefined, owner.token)).body.map(r => r.id), [mine.id]);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/chatrooms/search?q=%25', undefined, owner.token)).body.map(r => r.id), [mine.id]);
    assert.deepEqual((await rest(node, 'GET', '/api/v1/chatrooms/search?q=_', undefined, member.token)).body.map(r => r.id), [mine.id]);
    assert.equal((await rest(node, 'GET', '/api/v1/chatrooms/search?q=', undefined, owner.token)).status, 400);
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/search?q=${'q'.repeat(101)}`, undefined, owner.token)).status, 400);
    assert.equal((await rest(node, 'GET', '/api/v1/chatrooms/search?q=a&limit=0', undefined, owner.token)).status, 400);
    assert.equal((await rest(node, 'GET', '/api/v1/chatrooms/search?q=a')).status, 401);
  });

  it('multiple creation: all or nothing, at most 20, each room pushed to its members', async () => {
    const [owner, a, b, blocker] = await Promise.all(['mowner', 'ma', 'mb', 'mblocker'].map(n => newUser(node, n)));
    const aClient = await connect(a);
    const made = await rest(node, 'POST', '/api/v1/chatrooms/multiple', {
      rooms: [
        { title: 'one', type: 'GROUP', participantIds: [a.id, b.id] },
        { title: 'two', type: 'DIRECT', participantIds: [a.id] },
      ],
    }, owner.token);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(made.body.map(r => r.title), ['one', 'two']);
    assert.equal(made.body[0].myRole, 'OWNER');
    await waitFor(() => made.body.every(r => updates(aClient, r.id, 'CREATED').length === 1), 'each new room pushed');
    const before = (await rest(node, 'GET', '/api/v1/chatrooms', undefined, owner.token)).body.length;
    // One bad room fails them all.
    assert.equal((await rest(node, 'POST', '/api/v1/users/block', { targetUserId: owner.id }, blocker.token)).status, 204);
    for (const [rooms, status, what] of [
      [[{ title: 'ok', type: 'GROUP', participantIds: [a.id] }, { title: 'ghost', type: 'GROUP', participantIds: [999999999] }], 404, 'an unknown user'],
      [[{ title: 'ok', type: 'GROUP', participantIds: [a.id] }, { title: 'three', type: 'DIRECT', participantIds: [a.id, b.id] }], 400, 'a DIRECT room of three'],
      [[{ title: 'ok', type: 'GROUP', participantIds: [a.id] }, { title: 'blocked', type: 'GROUP', participantIds: [blocker.id] }], 403, 'a blocked user'],
      [Array.from({ length: 21 }, (_, i) => ({ title: `r${i}`, type: 'GROUP', participantIds: [a.id] })), 400, '21 rooms'],
      [[], 400, 'no rooms'],
      [[{ title: '', type: 'GROUP', participantIds: [a.id] }], 400, 'an empty title'],
      [[{ title: 'x', type: 'CHANNEL', participantIds: [a.id] }], 400, 'an unknown type'],
      [['room'], 400, 'not an object'],
    ]) {
      const refused = await rest(node, 'POST', '/api/v1/chatrooms/multiple', { rooms }, owner.token);
      assert.equal(refused.status, status, `${what}: ${JSON.stringify(refused.body)}`);
      assert.equal(typeof refused.body.code, 'string', what);
    }
    assert.equal((await rest(node, 'GET', '/api/v1/chatrooms', undefined, owner.token)).body.length, before, 'nothing created');
    const twenty = await rest(node, 'POST', '/api/v1/chatrooms/multiple',
      { rooms: Array.from({ length: 20 }, (_, i) => ({ title: `r${i}`, type: 'GROUP', participantIds: [b.id] })) }, owner.token);
    assert.equal(twenty.status, 201);
    assert.equal(twenty.body.length, 20);
  });

  it('leaving: the OWNER hands the room on, the last member deletes it; subscriptions end at once', async () => {
    const [owner, admin, member] = await Promise.all(['lowner', 'ladmin', 'lmember'].map(n => newUser(node, n)));
    const room = await group(owner, [member, admin]);
    await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${admin.id}/role`, { role: 'ADMIN' }, owner.token);
    const memberClient = await connect(member);
    const ownerClient = await connect(owner);
    await ownerClient.subscribe(`/topic/messages/${room.id}`);
    const flag = await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}?forEveryone=maybe`, undefined, owner.token);
    assert.equal(flag.status, 400);
    const left = await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}`, undefined, owner.token);
    assert.equal(left.status, 204, JSON.stringify(left.body));
    await waitFor(() => updates(ownerClient, room.id, 'MEMBER_LEFT').length === 1, 'the leaver told');
    assert.equal(updates(ownerClient, room.id, 'MEMBER_LEFT')[0].room, null);
    assert.equal(await roleOf(room.id, admin, member), 'OWNER', 'the ADMIN inherits');
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, owner.token)).status, 403);
    // The former member's subscription is over: new messages do not reach it.
    memberClient.send('/app/chat', { roomId: room.id, content: 'after you left', tempId: 'left-1' });
    const history = async () => (await rest(node, 'GET', `/api/v1/messages/${room.id}`, undefined, member.token)).body;
    await waitFor(async () => JSON.stringify(await history()).includes('after you left'), 'the message stored');
    await sleep(300);
    assert.equal(ownerClient.inbox(`/topic/messages/${room.id}`).length, 0);
    // Leaving one by one: the last one out deletes the room.
    assert.equal((await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}`, undefined, admin.token)).status, 204);
    assert.equal(await roleOf(room.id, member, member), 'OWNER');
    assert.equal((await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}`, undefined, member.token)).status, 204);
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, member.token)).status, 404);
    assert.equal((await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}`, undefined, member.token)).status, 404);
    const events = () => readEvents(node).map(r => r.value).filter(e => e.roomId === room.id);
    await waitFor(() => events().some(e => e.eventType === 'RoomDeleted'), 'RoomDeleted in Kafka', 20000);
    const types = events().map(e => e.eventType);
    assert.equal(types.filter(t => t === 'MemberJoined').length, 3);
    assert.equal(types.filter(t => t === 'MemberLeft').length, 3);
    const versions = events().map(e => e.version);
    assert.deepEqual(versions, [...versions].sort((x, y) => x - y));
    assert.equal(new Set(versions).size, versions.length);
  });

  it('delete for everyone: OWNER only; every member told and unsubscribed at once', async () => {
    const [owner, admin, member] = await Promise.all(['downer', 'dadmin', 'dmember'].map(n => newUser(node, n)));
    const room = await group(owner, [admin, member]);
    await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${admin.id}/role`, { role: 'ADMIN' }, owner.token);
    const memberClient = await connect(member);
    await memberClient.subscribe(`/topic/messages/${room.id}`);
    await memberClient.subscribe(`/topic/typing/${room.id}`);
    assert.equal((await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}?forEveryone=true`, undefined, admin.token)).status, 403);
    assert.equal((await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}?forEveryone=true`, undefined, member.token)).status, 403);
    const deleted = await rest(node, 'DELETE', `/api/v1/chatrooms/${room.id}?forEveryone=true`, undefined, owner.token);
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    await waitFor(() => updates(memberClient, room.id, 'DELETED').length === 1, 'the deletion pushed');
    assert.equal(updates(memberClient, room.id, 'DELETED')[0].room, null);
    const rooms = await rest(node, 'GET', '/api/v1/chatrooms', undefined, member.token);
    assert.ok(!rooms.body.some(r => r.id === room.id));
    assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, owner.token)).status, 404);
    // Nobody can send into it any more, and a new subscription is refused.
    const sent = await rest(node, 'POST', '/api/v1/messages', { roomId: room.id, content: 'anyone?', tempId: 'gone-1' }, owner.token);
    assert.ok([403, 404].includes(sent.status), JSON.stringify(sent.body));
    await memberClient.subscribe(`/topic/messages/${room.id}`).catch(() => {});
    await waitFor(() => memberClient.inbox('/user/queue/errors').length > 0 || memberClient.errors.length > 0, 'the subscription refused');
    assert.equal(memberClient.inbox(`/topic/messages/${room.id}`).length, 0);
  });

  it('STOMP /app/rooms answers the room list; /app/group-chat creates a GROUP room', async () => {
    const [alice, bob, carol] = await Promise.all(['salice', 'sbob', 'scarol'].map(n => newUser(node, n)));
    const aliceClient = await connect(alice);
    const bobClient = await connect(bob);
    await aliceClient.subscribe('/user/queue/rooms');
    aliceClient.send('/app/group-chat', { title: 'over stomp', participantIds: [bob.id, carol.id] });
    await waitFor(() => aliceClient.inbox('/user/queue/room-updates').some(u => u.reason === 'CREATED'), 'the creator told');
    const created = aliceClient.inbox('/user/queue/room-updates').find(u => u.reason === 'CREATED');
    assert.equal(created.room.title, 'over stomp');
    assert.equal(created.room.type, 'GROUP');
    assert.equal(created.room.myRole, 'OWNER');
    await waitFor(() => updates(bobClient, created.roomId, 'CREATED').length === 1, 'a member told');
    assert.equal(updates(bobClient, created.roomId, 'CREATED')[0].room.myRole, 'MEMBER');
    aliceClient.send('/app/rooms', {});
    await waitFor(() => aliceClient.inbox('/user/queue/rooms').length === 1, 'the room list');
    assert.deepEqual(aliceClient.inbox('/user/queue/rooms')[0].map(r => r.id), [created.roomId]);
    for (const body of [{ participantIds: [bob.id] }, { title: 'x', participantIds: 'bob' }, { title: '', participantIds: [] }, 'not json'])
      aliceClient.send('/app/group-chat', body);
    await waitFor(() => aliceClient.inbox('/user/queue/errors').filter(e => e.destination === '/app/group-chat').length === 4, 'bad group-chat bodies refused');
    for (const e of aliceClient.inbox('/user/queue/errors'))
      assert.equal(typeof e.code, 'string');
    aliceClient.send('/app/group-chat', { title: 'ghosts', participantIds: [999999999] });
    await waitFor(() => aliceClient.inbox('/user/queue/errors').filter(e => e.destination === '/app/group-chat').length === 5, 'an unknown user refused');
    assert.equal(aliceClient.inbox('/user/queue/errors').at(-1).code, 'NOT_FOUND');
  });
});
