/**
 * Pub/Sub's delivery faults on the embedded bus, as bus wrappers: a message delivered twice (even
 * to two handlers at once), an acknowledgement lost after the work (the message comes again), and
 * messages held back and released later, in another order.
 */
import type { MessageBus, MessageHandler, SubscribeOptions } from '../../functions/src/ports/index.ts';
import { TransientError } from '../../functions/src/shared/errors.ts';

/** Every message published on `topics` (default: all) goes out twice. */
export function duplicating(bus: MessageBus, topics?: readonly string[]): MessageBus {
  return {
    ...forward(bus),
    publish: async (topic, data) => {
      const id = await bus.publish(topic, data);
      if (!topics || topics.includes(topic)) await bus.publish(topic, data);
      return id;
    },
  };
}

/** Every first delivery's acknowledgement is lost after the handler succeeded: the bus delivers it again. */
export function losingAcks(bus: MessageBus): MessageBus {
  return {
    ...forward(bus),
    subscribe: <T>(topic: string, handler: MessageHandler<T>, opts?: SubscribeOptions) =>
      bus.subscribe<T>(
        topic,
        async (d) => {
          await handler(d);
          if (d.attempt === 1) throw new TransientError(`acknowledgement of ${topic} message ${d.id} lost`, { stage: 'storage' });
        },
        opts,
      ),
  };
}

/** A bus that keeps back what is published on `topic` until `release`. */
export interface HoldingBus extends MessageBus {
  readonly held: unknown[];
  /** Publish the held messages (in `order` of their indexes, default as held) and stop holding. */
  release(order?: number[]): Promise<void>;
}

/** Messages on `topic` are held back (not published) until released. */
export function holding(bus: MessageBus, topic: string): HoldingBus {
  const held: unknown[] = [];
  let holdingNow = true;
  return {
    ...forward(bus),
    held,
    publish: async (t, data) => {
      if (t === topic && holdingNow) {
        held.push(data);
        return `held-${held.length}`;
      }
      return await bus.publish(t, data);
    },
    async release(order) {
      holdingNow = false;
      for (const i of order ?? held.map((_, i) => i)) await bus.publish(topic, held[i]);
    },
  };
}

function forward(bus: MessageBus): MessageBus {
  return {
    publish: (topic, data) => bus.publish(topic, data),
    subscribe: (topic, handler, opts) => bus.subscribe(topic, handler, opts),
    ...(bus.drain ? { drain: () => bus.drain!() } : {}),
    close: () => bus.close(),
  };
}
