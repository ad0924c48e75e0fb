/**
 * The behaviour every MessageBus must show: run by one small test file per adapter. Each test
 * uses its own topics. Waiting is for a condition with a generous deadline, never a fixed time.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Delivery, MessageBus } from '../../../functions/src/ports/message-bus.ts';

/** Poll `cond` until it holds (or fail after `timeoutMs`). */
export async function waitFor(cond: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Run the message-bus contract against a bus from `factory`. */
export function runMessageBusContract(name: string, factory: () => Promise<MessageBus>): void {
  describe(`MessageBus contract: ${name}`, () => {
    let bus: MessageBus;
    before(async () => {
      bus = await factory();
    });
    after(async () => {
      await bus?.close();
    });
    const topic = () => `contract-${randomUUID().slice(0, 8)}`;
    /** Settle: drain when the bus can, else wait for the condition. */
    const settle = async (cond: () => boolean, what: string) => {
      if (bus.drain) await bus.drain();
      await waitFor(cond, 60_000, what);
    };

    it('delivers a JSON copy of each message with id, topic, attempt 1 and publish time, after publish returns', async () => {
      const t = topic();
      const got: Delivery[] = [];
      const order: string[] = [];
      await bus.subscribe(t, async (d) => {
        order.push('handled');
        got.push(d);
      });
      const data = { runId: 'run_1', nested: { list: [1, 2] }, when: new Date('2026-01-01T00:00:00Z') };
      const id = await bus.publish(t, data);
      order.push('published');
      await settle(() => got.length === 1, 'one delivery');
      assert.equal(order[0], 'published');
      assert.equal(got[0].id, id);
      assert.equal(got[0].topic, t);
      assert.equal(got[0].attempt, 1);
      assert.ok(got[0].publishedAt instanceof Date);
      assert.deepEqual(got[0].data, { runId: 'run_1', nested: { list: [1, 2] }, when: '2026-01-01T00:00:00.000Z' });
    });

    it('redelivers a message whose handler throws, with attempt + 1', async () => {
      const t = topic();
      const attempts: number[] = [];
      await bus.subscribe(t, async (d) => {
        attempts.push(d.attempt);
        if (d.attempt < 3) throw new Error(`fail ${d.attempt}`);
      });
      await bus.publish(t, { n: 1 });
      await settle(() => attempts.length >= 3, 'three attempts');
      assert.deepEqual(attempts.slice(0, 3), [1, 2, 3]);
    });

    it('gives every subscription its own copy, and stops delivering after unsubscribe', async () => {
      const t = topic();
      const a: unknown[] = [];
      const b: unknown[] = [];
      const stopA = await bus.subscribe(t, async (d) => void a.push(d.data), { name: `${t}-a` });
      await bus.subscribe(t, async (d) => void b.push(d.data), { name: `${t}-b` });
      await bus.publish(t, 1);
      await settle(() => a.length === 1 && b.length === 1, 'both subscriptions');
      await stopA();
      await bus.publish(t, 2);
      await settle(() => b.length === 2, 'second message on b');
      assert.deepEqual(a, [1]);
      assert.deepEqual(b, [1, 2]);
    });

    it('delivers messages published by handlers (a chain of stages)', async () => {
      const [t1, t2] = [topic(), topic()];
      const seen: string[] = [];
      await bus.subscribe(t1, async (d) => {
        seen.push(`t1:${d.data}`);
        await bus.publish(t2, `${d.data}+`);
      });
      await bus.subscribe(t2, async (d) => void seen.push(`t2:${d.data}`));
      await Promise.all([bus.publish(t1, 'a'), bus.publish(t1, 'b')]);
      await settle(() => seen.length === 4, 'four deliveries');
      assert.deepEqual([...seen].sort(), ['t1:a', 't1:b', 't2:a+', 't2:b+']);
    });
  });
}
