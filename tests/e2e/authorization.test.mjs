// The authorization matrix: every REST operation of the node's OpenAPI document (which
// unit.web_handler keeps equal to the router's routes) and every STOMP SEND destination it
// lists (kept equal to the destination table the same way), called by each kind of caller, and
// the answer compared with the table below. An operation or destination without a row fails the
// test, so a new endpoint cannot ship without its permissions written down here.
//
// Callers: no token, an expired access token, a refresh token used as an access token, a
// stranger (not in the room), a member, an ADMIN, the OWNER, and a member the OWNER blocked.
// Each call of a room-scoped row gets a fresh room (OWNER, ADMIN, MEMBER, the blocked member)
// with one message of the OWNER, so that no call depends on what an earlier one changed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { makeToken, newUser, rest, sleep, startChatd, stompClient, waitFor } from './lib/harness.mjs';

const roomKinds = ['stranger', 'blocked', 'member', 'admin', 'owner'];
const tokenKinds = ['none', 'expired', 'refresh'];

// Expected status per room kind: one number for all, or {kind: status | [statuses]}.
const everyone = status => Object.fromEntries(roomKinds.map(k => [k, status]));
const membersOnly = (ok, refused = 403) => ({ stranger: refused, blocked: ok, member: ok, admin: ok, owner: ok });
const adminsOnly = (ok, refused = 403) => ({ stranger: refused, blocked: refused, member: refused, admin: ok, owner: ok });
const ownerOnly = (ok, refused = 403) => ({ stranger: refused, blocked: refused, member: refused, admin: refused, owner: ok });

const future = () => new Date(Date.now() + 3600_000).toISOString();

// Each row: `call(f)` gives [path, body] (or a promise of them) for the fixture f ({room,
// message, users, schedule(), friendRequest()}), `auth` false for operations that need no token
// (and no fixture), and `expect`.
const rows = {
  'GET /healthz': { auth: false, call: () => ['/healthz'], expect: everyone(200) },
  'GET /metrics': { auth: false, call: () => ['/metrics'], expect: everyone(200) },
  'GET /api/v1/cluster': { auth: false, call: () => ['/api/v1/cluster'], expect: everyone(200) },
  'GET /api/v1/openapi.json': { auth: false, call: () => ['/api/v1/openapi.json'], expect: everyone(200) },
  // Fault injection is off on this node: the admin endpoints refuse everyone.
  'GET /admin/faults': { auth: false, call: () => ['/admin/faults'], expect: everyone(403) },
  'POST /admin/faults': { auth: false, call: () => ['/admin/faults', { point: 'room_commit', mode: 'fail' }], expect: everyone(403) },
  'DELETE /admin/faults': { auth: false, call: () => ['/admin/faults'], expect: everyone(403) },
  'DELETE /admin/faults/{point}': { auth: false, call: () => ['/admin/faults/room_commit'], expect: everyone(403) },
  'POST /admin/kafka': { auth: false, call: () => ['/admin/kafka', { down: true }], expect: everyone(403) },
  // Auth endpoints take credentials in the body, not a token: an empty body is bad input.
  'POST /api/v1/auth/signup': { auth: false, call: () => ['/api/v1/auth/signup', {}], expect: everyone(400) },
  'POST /api/v1/auth/login': { auth: false, call: () => ['/api/v1/auth/login', {}], expect: everyone(400) },
  // Without a refresh token there is nothing to refresh or end: 401.
  'POST /api/v1/auth/refresh': { auth: false, call: () => ['/api/v1/auth/refresh', {}], expect: everyone(401) },
  'POST /api/v1/auth/logout': { auth: false, call: () => ['/api/v1/auth/logout', {}], expect: everyone(401) },

  // The caller's own things: any signed-in user.
  'GET /api/v1/users/me': { call: () => ['/api/v1/users/me'], expect: everyone(200) },
  'PUT /api/v1/users/me': { call: () => ['/api/v1/users/me', { nickname: 'renamed' }], expect: everyone(200) },
  'PUT /api/v1/users/status': { call: () => ['/api/v1/users/status', { status: 'BUSY' }], expect: everyone(200) },
  // A user who blocked the caller is not found.
  'GET /api/v1/users/{userId}': { call: f => [`/api/v1/users/${f.users.owner.id}`], expect: { ...everyone(200), blocked: 404 } },
  'GET /api/v1/users/search': { call: () => ['/api/v1/users/search?q=matrix'], expect: everyone(200) },
  'GET /api/v1/users/friends': { call: () => ['/api/v1/users/friends'], expect: everyone(200) },
  'GET /api/v1/users/friends/requests': { call: () => ['/api/v1/users/friends/requests'], expect: everyone(200) },
  // A request to the OWNER: the blocked member may not, the OWNER may not ask itself.
  'POST /api/v1/users/friends/requests': {
    call: f => ['/api/v1/users/friends/requests', { userId: f.users.owner.id }],
    expect: { stranger: 201, blocked: 403, member: 201, admin: 201, owner: 400 },
  },
  // f.request is a request of a fresh user to the MEMBER: only the MEMBER answers it.
  'POST /api/v1/users/friends/requests/{requestId}/accept': {
    call: async f => [`/api/v1/users/friends/requests/${await f.friendRequest()}/accept`],
    expect: { ...everyone([403, 404]), member: 200 },
  },
  'POST /api/v1/users/friends/requests/{requestId}/reject': {
    call: async f => [`/api/v1/users/friends/requests/${await f.friendRequest()}/reject`],
    expect: { ...everyone([403, 404]), member: 204 },
  },
  'DELETE /api/v1/users/friends/{friendId}': { call: f => [`/api/v1/users/friends/${f.users.stranger.id}`], expect: everyone(404) },
  'GET /api/v1/users/recommendations': { call: () => ['/api/v1/users/recommendations'], expect: everyone(200) },
  'POST /api/v1/users/block': { call: f => ['/api/v1/users/block', { targetUserId: f.users.stranger.id }], expect: { ...everyone(204), stranger: 400 } },
  'DELETE /api/v1/users/block/{userId}': { call: f => [`/api/v1/users/block/${f.users.stranger.id}`], expect: { ...everyone(204), stranger: 400 } },
  'GET /api/v1/users/blocked': { call: () => ['/api/v1/users/blocked'], expect: everyone(200) },
  // This node runs without chat-streamer, whose database keeps the notifications.
  'GET /api/v1/notifications': { call: () => ['/api/v1/notifications'], expect: everyone(503) },

  // Rooms.
  'POST /api/v1/chatrooms': {
    call: f => ['/api/v1/chatrooms', { title: 'new', type: 'GROUP', participantIds: [f.users.member.id] }],
    expect: everyone(201),
  },
  'GET /api/v1/chatrooms': { call: () => ['/api/v1/chatrooms'], expect: everyone(200) },
  'GET /api/v1/chatrooms/{roomId}': { call: f => [`/api/v1/chatrooms/${f.room.id}`], expect: membersOnly(200) },
  'PUT /api/v1/chatrooms/{roomId}': { call: f => [`/api/v1/chatrooms/${f.room.id}`, { title: 'renamed' }], expect: adminsOnly(200) },
  'DELETE /api/v1/chatrooms/{roomId}': { call: f => [`/api/v1/chatrooms/${f.room.id}?forEveryone=true`], expect: ownerOnly(204) },
  'GET /api/v1/chatrooms/search': { call: () => ['/api/v1/chatrooms/search?q=matrix'], expect: everyone(200) },
  'POST /api/v1/chatrooms/multiple': {
    call: f => ['/api/v1/chatrooms/multiple', { rooms: [{ title: 'a', type: 'GROUP', participantIds: [f.users.owner.id] }] }],
    expect: { ...everyone(201), blocked: 403 },
  },
  'GET /api/v1/chatrooms/favorites': { call: () => ['/api/v1/chatrooms/favorites'], expect: everyone(200) },
  'POST /api/v1/chatrooms/{roomId}/favorite': { call: f => [`/api/v1/chatrooms/${f.room.id}/favorite`], expect: membersOnly(204) },
  'DELETE /api/v1/chatrooms/{roomId}/favorite': { call: f => [`/api/v1/chatrooms/${f.room.id}/favorite`], expect: membersOnly(204) },
  'GET /api/v1/chatrooms/{roomId}/notice': { call: f => [`/api/v1/chatrooms/${f.room.id}/notice`], expect: membersOnly(404) },
  'POST /api/v1/chatrooms/{roomId}/notice': { call: f => [`/api/v1/chatrooms/${f.room.id}/notice`, { content: 'read me' }], expect: adminsOnly(200) },
  'GET /api/v1/chatrooms/{roomId}/participants': { call: f => [`/api/v1/chatrooms/${f.room.id}/participants`], expect: membersOnly(200) },
  'POST /api/v1/chatrooms/{roomId}/participants': { call: f => [`/api/v1/chatrooms/${f.room.id}/participants`, { userIds: [f.users.outsider.id] }], expect: adminsOnly(200) },
  // Removing the MEMBER: OWNER and ADMIN remove others; anyone removes itself.
  'DELETE /api/v1/chatrooms/{roomId}/participants/{userId}': {
    call: f => [`/api/v1/chatrooms/${f.room.id}/participants/${f.users.member.id}`],
    expect: { stranger: 403, blocked: 403, member: 204, admin: 204, owner: 204 },
  },
  'PUT /api/v1/chatrooms/{roomId}/participants/{userId}/role': {
    call: f => [`/api/v1/chatrooms/${f.room.id}/participants/${f.users.member.id}/role`, { role: 'ADMIN' }],
    expect: ownerOnly(200),
  },

  // Messages (f.message is the OWNER's).
  'POST /api/v1/messages': { call: f => ['/api/v1/messages', { roomId: f.room.id, content: 'hi', tempId: 'm' + Math.random() }], expect: membersOnly(201) },
  'GET /api/v1/messages/{messageId}': { call: f => [`/api/v1/messages/${f.message.id}`], expect: membersOnly(200) },
  'PUT /api/v1/messages/{messageId}': { call: f => [`/api/v1/messages/${f.message.id}`, { content: 'edited' }], expect: { ...everyone(403), owner: 200 } },
  'DELETE /api/v1/messages/{messageId}': { call: f => [`/api/v1/messages/${f.message.id}`], expect: adminsOnly(204) },
  'POST /api/v1/messages/mark-read': { call: f => ['/api/v1/messages/mark-read', { roomId: f.room.id }], expect: membersOnly(204) },
  'GET /api/v1/messages/search': { call: f => [`/api/v1/messages/search?q=hello&roomId=${f.room.id}`], expect: membersOnly(200) },
  'POST /api/v1/messages/forward': {
    call: f => ['/api/v1/messages/forward', { messageId: f.message.id, targetRoomIds: [f.room.id] }],
    expect: membersOnly(201),
  },
  'POST /api/v1/messages/pin': { call: f => ['/api/v1/messages/pin', { messageId: f.message.id, roomId: f.room.id }], expect: adminsOnly(200) },
  'DELETE /api/v1/messages/pin/{messageId}': { call: f => [`/api/v1/messages/pin/${f.message.id}`], expect: adminsOnly(204) },
  'GET /api/v1/messages/pins/{roomId}': { call: f => [`/api/v1/messages/pins/${f.room.id}`], expect: membersOnly(200) },
  'POST /api/v1/messages/reaction': { call: f => ['/api/v1/messages/reaction', { messageId: f.message.id, reaction: '👍' }], expect: membersOnly(200) },
  'DELETE /api/v1/messages/reaction': { call: f => [`/api/v1/messages/reaction?messageId=${f.message.id}&reaction=x`], expect: membersOnly(200) },
  'GET /api/v1/messages/thread': { call: f => [`/api/v1/messages/thread?parentMessageId=${f.message.id}`], expect: membersOnly(200) },
  'POST /api/v1/messages/thread': {
    call: f => ['/api/v1/messages/thread', { roomId: f.room.id, parentMessageId: f.message.id, content: 'reply', tempId: 'r' + Math.random() }],
    expect: membersOnly(201),
  },
  'GET /api/v1/messages/threads': { call: f => [`/api/v1/messages/threads?roomId=${f.room.id}`], expect: membersOnly(200) },
  'POST /api/v1/messages/schedule': { call: f => ['/api/v1/messages/schedule', { roomId: f.room.id, content: 'later', scheduledAt: future() }], expect: membersOnly(201) },
  // The caller's own schedules and bookmarks: a stranger sees (and removes) only its own, none.
  'GET /api/v1/messages/schedule': { call: f => [`/api/v1/messages/schedule?roomId=${f.room.id}`], expect: everyone(200) },
  // f.schedule() is the OWNER's: only its author changes it.
  'PUT /api/v1/messages/schedule/{scheduleId}': { call: async f => [`/api/v1/messages/schedule/${await f.schedule()}`, { content: 'changed' }], expect: { ...everyone([403, 404]), owner: 200 } },
  'DELETE /api/v1/messages/schedule/{scheduleId}': { call: async f => [`/api/v1/messages/schedule/${await f.schedule()}`], expect: { ...everyone([403, 404]), owner: 204 } },
  'POST /api/v1/messages/bookmark': { call: f => ['/api/v1/messages/bookmark', { messageId: f.message.id }], expect: membersOnly(200) },
  'DELETE /api/v1/messages/bookmark/{messageId}': { call: f => [`/api/v1/messages/bookmark/${f.message.id}`], expect: everyone(204) },
  'GET /api/v1/messages/bookmarks': { call: f => [`/api/v1/messages/bookmarks?roomId=${f.room.id}`], expect: everyone(200) },
};

// STOMP SEND destinations: the error code a room kind gets on /user/queue/errors, or null for
// none. Without a valid access token there is no session at all (checked once per token kind).
const refusedStranger = { stranger: 'NOT_MEMBER', blocked: null, member: null, admin: null, owner: null };
const destinations = {
  '/app/chat': { body: f => ({ roomId: f.room.id, content: 'hi', tempId: 's' + Math.random() }), expect: refusedStranger },
  '/app/edit': { body: f => ({ messageId: f.message.id, content: 'edited' }), expect: { stranger: 'NOT_MEMBER', blocked: 'FORBIDDEN', member: 'FORBIDDEN', admin: 'FORBIDDEN', owner: null } },
  '/app/delete': { body: f => ({ messageId: f.message.id }), expect: { stranger: 'NOT_MEMBER', blocked: 'FORBIDDEN', member: 'FORBIDDEN', admin: null, owner: null } },
  '/app/reaction': { body: f => ({ messageId: f.message.id, reaction: '🎉' }), expect: refusedStranger },
  '/app/pin/toggle': { body: f => ({ roomId: f.room.id, messageId: f.message.id }), expect: { stranger: 'NOT_MEMBER', blocked: 'FORBIDDEN', member: 'FORBIDDEN', admin: null, owner: null } },
  '/app/thread': { body: f => ({ roomId: f.room.id, parentMessageId: f.message.id, content: 'reply', tempId: 't' + Math.random() }), expect: refusedStranger },
  '/app/thread/messages': { body: f => ({ parentMessageId: f.message.id }), expect: refusedStranger },
  '/app/thread/detail': { body: f => ({ parentMessageId: f.message.id }), expect: refusedStranger },
  '/app/read': { body: f => ({ roomId: f.room.id, seq: 1 }), expect: refusedStranger },
  '/app/read-all': { body: f => ({ roomId: f.room.id }), expect: refusedStranger },
  '/app/rooms': { body: () => ({}), expect: everyone(null) },
  '/app/group-chat': { body: f => ({ title: 'g', participantIds: [f.users.outsider.id] }), expect: everyone(null) },
  '/app/sync': { body: f => ({ roomId: f.room.id, afterSeq: 0 }), expect: refusedStranger },
  // Typing and activity are signals, not requests: the room drops a non-member's without an
  // answer (the room checks; a test below shows that nobody sees them).
  '/app/typing': { body: f => ({ roomId: f.room.id, isTyping: true }), expect: everyone(null) },
  '/app/active': { body: f => ({ roomId: f.room.id, activity: 'ACTIVE' }), expect: everyone(null) },
  // A token of another user is refused whoever asks.
  '/app/token': { body: f => ({ accessToken: f.users.outsider.token }), expect: everyone('FORBIDDEN') },
};

// SUBSCRIBE destinations of one room or thread (shared/api.md): members only. The user queues
// are the caller's own and need no row.
const roomTopics = [
  f => `/topic/messages/${f.room.id}`,
  f => `/topic/message/status/${f.room.id}`,
  f => `/topic/typing/${f.room.id}`,
  f => `/topic/active/${f.room.id}`,
  f => `/topic/message/updates/${f.room.id}`,
  f => `/topic/thread/${f.message.id}`,
  f => `/topic/read/${f.room.id}`,
];

const matches = (expected, status) => (Array.isArray(expected) ? expected.includes(status) : expected === status);

describe('authorization matrix', () => {
  let node;
  let document;
  const users = {};
  const tokens = {};

  // A fresh room with its four kinds of members and one message of the OWNER; a schedule of the
  // OWNER in it and a pending friend request to the MEMBER are made when a row asks for them.
  // The block comes after the room: a blocked user cannot be put into a new room.
  const fixture = async () => {
    await rest(node, 'DELETE', `/api/v1/users/block/${users.blocked.id}`, undefined, users.owner.token);
    const room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'matrix', type: 'GROUP', participantIds: [users.admin.id, users.member.id, users.blocked.id] }, users.owner.token)).body;
    const block = await rest(node, 'POST', '/api/v1/users/block', { targetUserId: users.blocked.id }, users.owner.token);
    assert.equal(block.status, 204);
    const role = await rest(node, 'PUT', `/api/v1/chatrooms/${room.id}/participants/${users.admin.id}/role`, { role: 'ADMIN' }, users.owner.token);
    assert.equal(role.status, 200, JSON.stringify(role.body));
    const sent = await rest(node, 'POST', '/api/v1/messages', { roomId: room.id, content: 'hello matrix', tempId: 'f' + Math.random() }, users.owner.token);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    return {
      room, message: sent.body, users,
      schedule: async () => {
        const made = await rest(node, 'POST', '/api/v1/messages/schedule',
          { roomId: room.id, content: 'later', scheduledAt: future() }, users.owner.token);
        assert.equal(made.status, 201, JSON.stringify(made.body));
        return made.body.id;
      },
      friendRequest: async () => {
        const asker = await newUser(node, 'asker');
        const made = await rest(node, 'POST', '/api/v1/users/friends/requests', { userId: users.member.id }, asker.token);
        assert.equal(made.status, 201, JSON.stringify(made.body));
        return made.body.id;
      },
    };
  };

  before(async () => {
    node = await startChatd(['--gateway.send-rate=1000', '--gateway.send-burst=1000']);
    for (const kind of ['owner', 'admin', 'member', 'blocked', 'stranger', 'outsider'])
      users[kind] = await newUser(node, kind);
    tokens.expired = makeToken({ alg: 'HS256', typ: 'JWT' },
      { sub: String(users.member.id), username: users.member.username, typ: 'access', jti: 'x', iat: 1000, exp: 2000 }, node.secret);
    tokens.refresh = users.member.refresh;
    document = (await rest(node, 'GET', '/api/v1/openapi.json')).body;
  });

  after(async () => {
    await node?.stop();
  });

  it('has a row for every documented operation and destination', () => {
    const operations = [];
    for (const [path, ops] of Object.entries(document.paths))
      for (const method of Object.keys(ops)) operations.push(`${method.toUpperCase()} ${path}`);
    assert.ok(operations.length > 60);
    assert.deepEqual(operations.filter(op => !rows[op]), [], 'operations without a row in the matrix');
    assert.deepEqual(Object.keys(rows).filter(op => !operations.includes(op)), [], 'rows of no operation');
    const listed = document['x-stomp-destinations'].map(d => d.destination);
    assert.deepEqual(listed.filter(d => !destinations[d]), [], 'destinations without a row in the matrix');
    assert.deepEqual(Object.keys(destinations).filter(d => !listed.includes(d)), [], 'rows of no destination');
  });

  it('answers every REST operation as the table says', async () => {
    const wrong = [];
    for (const [operation, row] of Object.entries(rows)) {
      const [method] = operation.split(' ');
      // Without a valid access token, every operation that needs one is 401.
      if (row.auth !== false) {
        const f = await fixture();
        for (const kind of tokenKinds) {
          const [route, body] = await row.call(f);
          const answer = await rest(node, method, route, body, tokens[kind]);
          if (answer.status !== 401) wrong.push(`${operation} as ${kind}: ${answer.status}, expected 401`);
        }
      }
      for (const kind of roomKinds) {
        const f = row.auth === false ? {} : await fixture();
        const [route, body] = await row.call(f);
        const answer = await rest(node, method, route, body, row.auth === false ? undefined : users[kind].token);
        if (!matches(row.expect[kind], answer.status))
          wrong.push(`${operation} as ${kind}: ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 120)}, expected ${row.expect[kind]}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('shows nobody the typing and activity signals of a non-member', async () => {
    const f = await fixture();
    const watcher = await stompClient(node, users.member.token);
    const stranger = await stompClient(node, users.stranger.token);
    const admin = await stompClient(node, users.admin.token);
    try {
      const typingTopic = `/topic/typing/${f.room.id}`;
      await watcher.subscribe(typingTopic);
      stranger.send('/app/typing', { roomId: f.room.id, isTyping: true });
      stranger.send('/app/active', { roomId: f.room.id, activity: 'IDLE' });
      await sleep(300);
      // The same signal of a member arrives: the watcher would have seen the stranger's.
      admin.send('/app/typing', { roomId: f.room.id, isTyping: true });
      await waitFor(() => watcher.inbox(typingTopic).length > 0, 'the ADMIN typing');
      assert.deepEqual(watcher.inbox(typingTopic).map(t => t.userId), [users.admin.id]);
    } finally {
      for (const client of [watcher, stranger, admin]) await client.close();
    }
  });

  it('lets only members subscribe to a room\'s topics', async () => {
    const f = await fixture();
    const wrong = [];
    for (const kind of roomKinds) {
      const client = await stompClient(node, users[kind].token);
      try {
        await client.subscribe('/user/queue/errors');
        for (const topic of roomTopics.map(t => t(f))) {
          const before = client.inbox('/user/queue/errors').length;
          await client.subscribe(topic);
          await sleep(100);
          const errors = client.inbox('/user/queue/errors').slice(before);
          const code = errors.length ? errors[0].code : null;
          const expected = kind === 'stranger' ? 'NOT_MEMBER' : null;
          if (code !== expected) wrong.push(`SUBSCRIBE ${topic} as ${kind}: ${code}, expected ${expected}`);
        }
      } finally {
        await client.close();
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('refuses STOMP sessions without a valid access token', async () => {
    for (const kind of tokenKinds)
      await assert.rejects(stompClient(node, tokens[kind]), /STOMP error/, kind);
  });

  it('answers every STOMP destination as the table says', async () => {
    const wrong = [];
    const clients = {};
    for (const kind of roomKinds) {
      clients[kind] = await stompClient(node, users[kind].token);
      await clients[kind].subscribe('/user/queue/errors');
    }
    try {
      for (const [destination, row] of Object.entries(destinations)) {
        // One fresh room per destination, all kinds at once (their errors arrive on their own
        // queues); the OWNER goes last, after the others' refusals or changes.
        const f = await fixture();
        for (const kind of roomKinds) {
          const client = clients[kind];
          const before = client.inbox('/user/queue/errors').length;
          client.send(destination, row.body(f));
          // An answer of an actor comes after the frame's own handling: give it time.
          const { client: stomp } = client;
          const receipt = 'r' + Math.random();
          await new Promise(resolve => {
            stomp.watchForReceipt(receipt, resolve);
            stomp.publish({ destination: '/app/rooms', body: '{}', headers: { receipt } });
          });
          await sleep(150);
          const errors = client.inbox('/user/queue/errors').slice(before);
          const code = errors.length ? errors[0].code : null;
          if (code !== row.expect[kind])
            wrong.push(`${destination} as ${kind}: ${code} ${JSON.stringify(errors[0] || '')}, expected ${row.expect[kind]}`);
        }
      }
    } finally {
      for (const client of Object.values(clients)) await client.close();
    }
    assert.deepEqual(wrong, []);
  });
});
