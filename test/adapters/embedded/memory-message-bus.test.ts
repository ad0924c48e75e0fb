import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryMessageBus } from '../../../functions/src/adapters/embedded/memory-message-bus.ts';
import { runMessageBusContract } from '../contracts/message-bus.contract.ts';

runMessageBusContract('MemoryMessageBus', async () => new MemoryMessageBus({ retryDelayMs: 1 }));

describe('MemoryMessageBus', () => {
  it('dead-letters a message after maxAttempts failures, and drain() still settles', async () => {
    const bus = new MemoryMessageBus({ maxAttempts: 3, retryDelayMs: 1 });
    let calls = 0;
    await bus.subscribe('t', async () => {
      calls++;
      throw new Error('always');
    }, { name: 'stubborn' });
    await bus.publish('t', { x: 1 });
    await bus.drain();
    assert.equal(calls, 3);
    assert.equal(bus.deadLetters.length, 1);
    assert.equal(bus.deadLetters[0].subscription, 'stubborn');
    assert.equal(bus.deadLetters[0].delivery.attempt, 3);
    assert.deepEqual(bus.deadLetters[0].delivery.data, { x: 1 });
    assert.equal(bus.deadLetters[0].error, 'always');
    await bus.close();
  });

  it('never runs a handler inside publish', async () => {
    const bus = new MemoryMessageBus();
    let ran = false;
    await bus.subscribe('t', async () => void (ran = true));
    const pending = bus.publish('t', 1);
    assert.equal(ran, false);
    await pending;
    assert.equal(ran, false);
    await bus.drain();
    assert.equal(ran, true);
    await bus.close();
  });

  it('drains a chain in which handlers publish while draining, and drops messages of topics nobody follows', async () => {
    const bus = new MemoryMessageBus();
    const seen: number[] = [];
    await bus.subscribe('count', async (d) => {
      const n = d.data as number;
      seen.push(n);
      if (n < 20) await bus.publish('count', n + 1);
    });
    await bus.publish('count', 0);
    await bus.publish('nobody', 'lost');
    await bus.drain();
    assert.equal(seen.length, 21);
    await bus.drain();
    await bus.close();
  });

  it('drops pending redeliveries on close and rejects later publishes', async () => {
    const bus = new MemoryMessageBus({ retryDelayMs: 60_000, maxRetryDelayMs: 60_000 });
    await bus.subscribe('t', async () => {
      throw new Error('later');
    });
    await bus.publish('t', 1);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    await bus.close();
    await bus.drain();
    await assert.rejects(bus.publish('t', 2), /closed/);
  });

  it('shares the messages of one subscription name between its handlers, and copies them to other names', async () => {
    const bus = new MemoryMessageBus();
    const a: number[] = [];
    const b: number[] = [];
    const other: number[] = [];
    await bus.subscribe('t', async (d) => void a.push(d.data as number));
    await bus.subscribe('t', async (d) => void b.push(d.data as number));
    const stop = await bus.subscribe('t', async (d) => void other.push(d.data as number), { name: 'audit' });
    for (let i = 0; i < 6; i++) await bus.publish('t', i);
    await bus.drain();
    assert.deepEqual([...a, ...b].sort(), [0, 1, 2, 3, 4, 5]);
    assert.ok(a.length > 0 && b.length > 0);
    assert.deepEqual(other, [0, 1, 2, 3, 4, 5]);
    await stop();
    await bus.publish('t', 6);
    await bus.drain();
    assert.equal(other.length, 6);
    assert.equal(a.length + b.length, 7);
    await bus.close();
  });

  it('rejects a message that is not JSON', async () => {
    const bus = new MemoryMessageBus();
    await assert.rejects(bus.publish('t', undefined), TypeError);
    await bus.close();
  });
});
