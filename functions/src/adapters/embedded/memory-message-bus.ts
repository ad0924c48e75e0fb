/**
 * The embedded message bus: topics inside one process, with the delivery guarantees of Pub/Sub
 * that stages rely on. Delivery is asynchronous (never inside `publish`) and at least once: a
 * handler that throws gets the message again, with attempt + 1, after a short backoff; after
 * `maxAttempts` the message is dead-lettered into `deadLetters`. As in Pub/Sub, each named
 * subscription (default `<topic>-sub`) gets its own copy of every message published after it was
 * made, and handlers sharing a name share its messages (round robin). A topic without
 * subscriptions drops its messages; unlike Pub/Sub, so does a subscription nobody listens to.
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { Delivery, MessageBus, MessageHandler, SubscribeOptions } from '../../ports/message-bus.ts';
import { describeError } from '../../shared/errors.ts';

/** Tuning of redelivery. */
export interface MemoryBusOptions {
  /** Deliveries of one message to one subscription before it is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Backoff before the first redelivery, doubled each time (default 10 ms). */
  retryDelayMs?: number;
  /** Upper bound of the backoff (default 200 ms). */
  maxRetryDelayMs?: number;
  /** Stamps `publishedAt` (default the system clock; the pipeline's clock when replaying). */
  clock?: Clock;
}

/** A message that exhausted its attempts, kept for inspection. */
export interface DeadLetter {
  subscription: string;
  delivery: Delivery;
  error: string;
}

interface Subscription {
  name: string;
  topic: string;
  handlers: MessageHandler[];
  /** Round-robin position among `handlers`. */
  next: number;
}

/** An in-process MessageBus with retries, dead letters and `drain()`. */
export class MemoryMessageBus implements MessageBus {
  /** Messages that failed `maxAttempts` times, oldest first. */
  readonly deadLetters: DeadLetter[] = [];
  readonly #subs = new Map<string, Subscription[]>();
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  readonly #timers = new Set<NodeJS.Timeout | NodeJS.Immediate>();
  #pending = 0;
  #idle: (() => void)[] = [];
  #closed = false;
  #counter = 0;
  #clock: Clock;

  /** A bus with the given redelivery tuning. */
  constructor(opts: MemoryBusOptions = {}) {
    this.#maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
    this.#retryDelayMs = opts.retryDelayMs ?? 10;
    this.#maxRetryDelayMs = opts.maxRetryDelayMs ?? 200;
    this.#clock = opts.clock ?? systemClock;
  }

  /** Publish a copy of `data` (JSON round trip, as on the wire) to every subscription of the topic. */
  async publish(topic: string, data: unknown): Promise<string> {
    if (this.#closed) throw new Error('The message bus is closed');
    const json = JSON.stringify(data);
    if (json === undefined) throw new TypeError(`Message to ${topic} is not JSON-serialisable`);
    const id = `${++this.#counter}-${randomUUID().slice(0, 8)}`;
    const publishedAt = this.#clock.now();
    for (const sub of this.#subs.get(topic) ?? []) {
      const delivery: Delivery = { id, topic, data: JSON.parse(json), attempt: 1, publishedAt };
      this.#schedule(sub, delivery, 0);
    }
    return id;
  }

  /** Listen on a subscription; the returned function removes the handler (the last one ends the subscription). */
  async subscribe<T = unknown>(topic: string, handler: MessageHandler<T>, opts: SubscribeOptions = {}): Promise<() => Promise<void>> {
    if (this.#closed) throw new Error('The message bus is closed');
    const name = opts.name ?? `${topic}-sub`;
    const subs = this.#subs.get(topic) ?? [];
    let sub = subs.find((s) => s.name === name);
    if (!sub) {
      sub = { name, topic, handlers: [], next: 0 };
      this.#subs.set(topic, [...subs, sub]);
    }
    const h = handler as MessageHandler;
    sub.handlers.push(h);
    const owner = sub;
    return async () => {
      owner.handlers = owner.handlers.filter((x) => x !== h);
      if (owner.handlers.length === 0) this.#subs.set(topic, (this.#subs.get(topic) ?? []).filter((s) => s !== owner));
    };
  }

  #schedule(sub: Subscription, delivery: Delivery, delayMs: number): void {
    this.#pending++;
    const run = () => {
      this.#timers.delete(timer);
      void this.#deliver(sub, delivery).finally(() => this.#done());
    };
    const timer: NodeJS.Timeout | NodeJS.Immediate = delayMs > 0 ? setTimeout(run, delayMs) : setImmediate(run);
    this.#timers.add(timer);
  }

  async #deliver(sub: Subscription, delivery: Delivery): Promise<void> {
    if (sub.handlers.length === 0 || this.#closed) return;
    const handler = sub.handlers[sub.next++ % sub.handlers.length];
    try {
      await handler({ ...delivery });
    } catch (err) {
      if (sub.handlers.length === 0 || this.#closed) return;
      if (delivery.attempt >= this.#maxAttempts) {
        this.deadLetters.push({ subscription: sub.name, delivery, error: describeError(err) });
        return;
      }
      const delay = Math.min(this.#retryDelayMs * 2 ** (delivery.attempt - 1), this.#maxRetryDelayMs);
      this.#schedule(sub, { ...delivery, attempt: delivery.attempt + 1 }, delay);
    }
  }

  #done(): void {
    this.#pending--;
    if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Resolve once every message (including those published by handlers meanwhile) is handled or dead-lettered. */
  async drain(): Promise<void> {
    if (this.#pending === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  /** Stop every scheduled delivery and timer; pending messages are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) {
      clearTimeout(timer as NodeJS.Timeout);
      clearImmediate(timer as NodeJS.Immediate);
    }
    this.#pending -= this.#timers.size;
    this.#timers.clear();
    this.#subs.clear();
    // Handlers already running finish on their own and settle `drain()`.
    if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
}
