// Kafka is unavailable for a while, then produce requests fail: messages are still SAVED
// (the outbox is written in the room commit), the outbox backlog grows, then drains, and the
// topic ends up with exactly one event per committed message (by eventId), none missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { kafkaControl, metric, sleep } from '../e2e/lib/harness.mjs';
import {
  assertDelivered, assertHolds, runLoad, settle, setupLoad, useFaultNode, summary, verifyWithin,
} from './load.mjs';

const node = useFaultNode();

/// Samples the outbox backlog every 100 ms until stopped; returns the largest value seen.
function sampleBacklog() {
  let max = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      max = Math.max(max, await metric(node, 'chat_outbox_backlog'));
      await sleep(100);
    }
    return max;
  })();
  return { stop: () => { running = false; return done; } };
}

test('the Kafka brokers down for 3 s under load', async () => {
  const load = await setupLoad(node, { users: 4, rooms: 2 });
  const sampler = sampleBacklog();
  let outage;
  let upAt = 0;
  await runLoad(load, {
    perClient: 100, window: 8, faultAfter: 80,
    during: () => {
      outage = (async () => {
        await kafkaControl(node, { brokersDown: [1] });
        await sleep(3000);
        await kafkaControl(node, { brokersUp: [1] });
        upAt = Date.now();
      })();
    },
  });
  await outage;
  await settle(node);
  const drainedMs = Date.now() - upAt;
  const maxBacklog = await sampler.stop();
  const report = await verifyWithin(node, load);
  await assertDelivered(assert, load);
  for (const c of load.clients) c.close();
  const line = summary('Kafka brokers down 3 s', load, report, { maxBacklog, drainedMs });
  // Publication stalls, acceptance does not.
  assert.ok(maxBacklog >= 50, `the backlog never grew (max ${maxBacklog})`);
  assert.equal(line.failed, 0);
  assert.equal(line.saved, 400);
  assertHolds(assert, report);
});

test('produce requests failing with retriable errors', async () => {
  const load = await setupLoad(node, { users: 4, rooms: 2 });
  const sampler = sampleBacklog();
  await runLoad(load, {
    perClient: 100, window: 8, faultAfter: 80,
    during: () => kafkaControl(node, { failProduces: 40 }),
  });
  await settle(node);
  const maxBacklog = await sampler.stop();
  const report = await verifyWithin(node, load);
  await assertDelivered(assert, load);
  for (const c of load.clients) c.close();
  const line = summary('Kafka produce errors', load, report, { maxBacklog });
  assert.equal(line.failed, 0);
  assert.equal(line.saved, 400);
  assertHolds(assert, report);
});
