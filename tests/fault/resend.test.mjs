// Clients lose their connection mid-load (no goodbye), reconnect, and re-send every message
// that had no final answer, with the same tempIds; afterwards they also re-send messages that
// were answered, as a client that lost the answer would. Each tempId is stored once, and a
// re-send of a SAVED message is answered with the same persistedId and seq.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { waitFor } from '../e2e/lib/harness.mjs';
import {
  assertDelivered, assertHolds, runLoad, settle, setupLoad, useFaultNode, summary, verifyWithin,
} from './load.mjs';

const node = useFaultNode();

test('clients re-sending the same tempIds after disconnects', async () => {
  const load = await setupLoad(node, { users: 4, rooms: 2 });
  // Every client drops its connection three times while sending: after 80, 160 and 240 of the
  // 400 messages were sent.
  const sent = () => load.clients.reduce((n, c) => n + c.state.sent, 0);
  const drops = (async () => {
    for (const mark of [80, 160, 240]) {
      await waitFor(() => sent() >= mark, `${mark} messages sent`, 30000);
      for (const c of load.clients) c.drop();
    }
  })();
  await runLoad(load, { perClient: 100, window: 8, timeout: 60000 });
  await drops;
  // Each client re-sends its first 20 messages, answered long ago.
  const resent = [];
  load.clients.forEach((c, ci) => {
    for (let i = 0; i < 20; ++i) {
      const roomId = load.roomIds[(ci + i) % load.roomIds.length];
      c.resend(`c${ci}-m${i}`, roomId, `message m${i} of client ${ci}`);
      resent.push(`${c.state.person.id}/c${ci}-m${i}`);
    }
  });
  const answers = () => resent.map(key => load.log.filter(e => `${e.senderId}/${e.tempId}` === key && e.status === 'SAVED'));
  await waitFor(() => answers().every(a => a.length >= 2), 'answers to the re-sent messages', 10000);
  for (const [i, key] of resent.entries()) {
    const [first, again] = answers()[i];
    assert.equal(again.persistedId, first.persistedId, `${key} answered with another message`);
    assert.equal(again.seq, first.seq, `${key} answered with another seq`);
  }
  await settle(node);
  const report = await verifyWithin(node, load);
  await assertDelivered(assert, load);
  for (const c of load.clients) c.close();
  const reconnects = load.clients.reduce((n, c) => n + c.state.reconnects, 0);
  const line = summary('re-sent tempIds', load, report, { reconnects });
  assert.equal(reconnects, 12);
  assert.equal(line.saved, 400);
  assertHolds(assert, report);
});
