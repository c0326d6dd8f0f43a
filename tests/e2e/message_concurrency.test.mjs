// Changes of one message racing each other through a real chatd: the room decides them one by
// one, so the final state, the events and the replies agree exactly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { newUser, readEvents, rest, sqlValue, startChatd, stompClient, waitFor } from './lib/harness.mjs';

/// Runs the thunks with at most `width` in flight; returns their results in order.
async function inParallel(thunks, width) {
  const results = new Array(thunks.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < thunks.length) {
      const i = next++;
      results[i] = await thunks[i]();
    }
  }));
  return results;
}

describe('message concurrency', () => {
  let node;
  let alice;
  let bob;
  let room;

  const send = async (user, content) => {
    const sent = await rest(node, 'POST', '/api/v1/messages',
      { roomId: room.id, content, tempId: 't' + Math.random() }, user.token);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    return sent.body;
  };

  before(async () => {
    node = await startChatd(['--gateway.send-rate=1000', '--gateway.send-burst=1000']);
    alice = await newUser(node, 'alice');
    bob = await newUser(node, 'bob');
    room = (await rest(node, 'POST', '/api/v1/chatrooms',
      { title: 'race', type: 'GROUP', participantIds: [bob.id] }, alice.token)).body;
  });

  after(async () => {
    await node?.stop();
  });

  it('two members reacting and un-reacting 1,000 times each in parallel end with exact counts', async () => {
    const msg = await send(alice, 'race on me');
    const ops = [];
    // Each user: 1,000 requests in random order, 500 adds and 500 removes of two reactions.
    for (const user of [alice, bob])
      for (let i = 0; i < 1000; ++i) {
        const reaction = i % 4 < 2 ? '👍' : '🔥';
        const method = i % 2 === 0 ? 'POST' : 'DELETE';
        ops.push(() => rest(node, method, '/api/v1/messages/reaction', { messageId: msg.id, reaction }, user.token));
      }
    for (let i = ops.length - 1; i > 0; --i) {
      const j = Math.floor(Math.random() * (i + 1));
      [ops[i], ops[j]] = [ops[j], ops[i]];
    }
    const replies = await inParallel(ops, 32);
    assert.ok(replies.every(r => r.status === 200), 'every change answered 200');
    // Then one last known step per (user, reaction): alice ends with both, bob with 👍 only.
    for (const [user, reaction, method] of [[alice, '👍', 'POST'], [alice, '🔥', 'POST'], [bob, '👍', 'POST'], [bob, '🔥', 'DELETE']])
      assert.equal((await rest(node, method, '/api/v1/messages/reaction', { messageId: msg.id, reaction }, user.token)).status, 200);
    const ids = [alice.id, bob.id].sort((a, b) => a - b);
    const final = (await rest(node, 'GET', `/api/v1/messages/${msg.id}`, undefined, alice.token)).body;
    const byReaction = Object.fromEntries(final.reactions.map(r => [r.reaction, r]));
    assert.deepEqual(byReaction['👍'], { reaction: '👍', count: 2, userIds: ids });
    assert.deepEqual(byReaction['🔥'], { reaction: '🔥', count: 1, userIds: [alice.id] });
    assert.equal(final.reactions.length, 2);
    assert.equal(sqlValue(node.dsn.rooms, `SELECT count(*) FROM message_reactions WHERE message_id = '${msg.id}'`), '3');
    // The events tell the same story: per (user, reaction), adds and removes alternate in
    // version order, starting with an add, and the last one is the final state.
    await waitFor(() => readEvents(node).map(r => r.value).filter(e => e.eventType === 'ReactionRemoved' && e.payload.userId === bob.id && e.payload.reaction === '🔥').length > 0 &&
      readEvents(node).map(r => r.value).filter(e => e.roomId === room.id).length >= final.version, 'every event published', 30000);
    const events = readEvents(node).map(r => r.value).filter(e => e.roomId === room.id && e.payload.messageId === msg.id);
    const versions = events.map(e => e.version);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
    assert.equal(new Set(versions).size, versions.length, 'one event per version');
    for (const user of [alice.id, bob.id])
      for (const reaction of ['👍', '🔥']) {
        const kinds = events.filter(e => e.payload.userId === user && e.payload.reaction === reaction).map(e => e.eventType);
        kinds.forEach((kind, i) => assert.equal(kind, i % 2 === 0 ? 'ReactionAdded' : 'ReactionRemoved', `${user} ${reaction} #${i}`));
        const present = byReaction[reaction]?.userIds.includes(user) ?? false;
        assert.equal(kinds.length % 2 === 1, present, `${user} ${reaction}: last event matches the state`);
      }
  });

  it('edits racing a delete end deleted; no edit is accepted after the delete', async () => {
    const client = await stompClient(node, alice.token);
    try {
      for (let round = 0; round < 5; ++round) {
        const msg = await send(alice, `round ${round}`);
        const topic = `/topic/message/updates/${room.id}`;
        await client.subscribe(topic);
        const edits = Array.from({ length: 40 }, (_, i) =>
          () => rest(node, 'PUT', `/api/v1/messages/${msg.id}`, { content: `edit ${round}.${i}` }, alice.token));
        const remove = () => rest(node, 'DELETE', `/api/v1/messages/${msg.id}`, undefined, alice.token);
        const mixed = [...edits.slice(0, 20), remove, ...edits.slice(20)];
        const replies = await inParallel(mixed, 16);
        assert.equal(replies[20].status, 204);
        const final = (await rest(node, 'GET', `/api/v1/messages/${msg.id}`, undefined, alice.token)).body;
        assert.equal(final.deleted, true);
        assert.equal(final.content, '');
        await waitFor(() => client.inbox(topic).some(u => u.messageId === msg.id && u.kind === 'DELETED'), 'DELETED update');
        const deletedAt = client.inbox(topic).find(u => u.messageId === msg.id && u.kind === 'DELETED').version;
        for (const r of replies.filter((_, i) => i !== 20)) {
          if (r.status === 200) assert.ok(r.body.version < deletedAt, 'an accepted edit came before the delete');
          else assert.equal(r.body.code, 'MESSAGE_DELETED');
        }
        assert.ok(!client.inbox(topic).some(u => u.messageId === msg.id && u.kind === 'EDITED' && u.version > deletedAt));
        const stored = sqlValue(node.dsn.messages, `SELECT content FROM messages WHERE id = '${msg.id}'`);
        assert.equal(stored, '');
      }
    } finally {
      await client.close();
    }
  });

  it('read receipts stay exact under concurrent readers and senders', async () => {
    const watcher = await stompClient(node, alice.token);
    const reader = await stompClient(node, bob.token);
    try {
      const topic = `/topic/read/${room.id}`;
      await watcher.subscribe(topic);
      const sends = Array.from({ length: 60 }, (_, i) => () => send(alice, `read race ${i}`));
      const reads = Array.from({ length: 60 }, () => async () => {
        reader.send('/app/read-all', { roomId: room.id });
      });
      await inParallel([...sends, ...reads].sort(() => Math.random() - 0.5), 8);
      const last = (await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, alice.token)).body.lastSeq;
      assert.equal((await rest(node, 'POST', '/api/v1/messages/mark-read', { roomId: room.id }, bob.token)).status, 204);
      await waitFor(() => watcher.inbox(topic).some(r => r.userId === bob.id && r.readSeq === last), 'final receipt');
      const seen = watcher.inbox(topic).filter(r => r.userId === bob.id).map(r => r.readSeq);
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'receipts never move back');
      const participants = (await rest(node, 'GET', `/api/v1/chatrooms/${room.id}/participants`, undefined, alice.token)).body;
      assert.equal(participants.find(p => p.id === bob.id).readSeq, last);
      assert.equal((await rest(node, 'GET', `/api/v1/chatrooms/${room.id}`, undefined, bob.token)).body.unreadCount, 0);
    } finally {
      await watcher.close();
      await reader.close();
    }
  });
});
