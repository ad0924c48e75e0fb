/**
 * The cloud message bus on Pub/Sub. Topics and subscriptions are created on first use; a
 * subscription is named per (topic, subscriber name), so a restarted subscriber resumes where it
 * stopped and two names each receive every message. A handler that resolves acks the message;
 * one that throws nacks it, and Pub/Sub redelivers it. `attempt` is Pub/Sub's delivery attempt
 * when the subscription has a dead-letter policy, else counted here per message.
 *
 * (Deployed stages do not subscribe through this bus: their Cloud Functions are triggered by
 * Pub/Sub directly. It serves the CLI and tests that drive the cloud pipeline.)
 */
import { PubSub, type Message, type Subscription, type Topic } from '@google-cloud/pubsub';
import type { Delivery, MessageBus, MessageHandler, SubscribeOptions } from '../../ports/message-bus.ts';
import { DataError, TransientError, describeError, isTransient } from '../../shared/errors.ts';

/** Options of the Pub/Sub bus. */
export interface PubSubBusOptions {
  /** Seconds Pub/Sub waits for an ack before redelivering (default 60). */
  ackDeadlineSeconds?: number;
  /** Messages handled at once per subscription (default 10). */
  maxInFlight?: number;
  /** Called with errors of a subscription's stream (default: a process warning). */
  onError?: (err: Error, subscription: string) => void;
}

const NAME = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;

/** A MessageBus on Pub/Sub. */
export class PubSubMessageBus implements MessageBus {
  readonly #pubsub: PubSub;
  readonly #opts: PubSubBusOptions;
  readonly #topics = new Map<string, Promise<Topic>>();
  readonly #subscriptions = new Set<Subscription>();

  /** Use `pubsub` (honours PUBSUB_EMULATOR_HOST); the bus closes it on `close()`. */
  constructor(pubsub: PubSub, opts: PubSubBusOptions = {}) {
    this.#pubsub = pubsub;
    this.#opts = opts;
  }

  /** The topic, created when missing (once per process). */
  #topic(name: string): Promise<Topic> {
    checkName(name, 'topic');
    let topic = this.#topics.get(name);
    if (!topic) {
      topic = this.#pubsub
        .topic(name)
        .get({ autoCreate: true })
        .then(([t]) => t)
        .catch((err) => {
          this.#topics.delete(name);
          throw mapError(err, `Creating topic ${name}`);
        });
      this.#topics.set(name, topic);
    }
    return topic;
  }

  /** Publish `data` as JSON; resolves with Pub/Sub's message id. */
  async publish(topic: string, data: unknown): Promise<string> {
    if (JSON.stringify(data) === undefined) throw new TypeError(`Message to ${topic} is not JSON-serialisable`);
    const t = await this.#topic(topic);
    try {
      return await t.publishMessage({ data: Buffer.from(JSON.stringify(data)) });
    } catch (err) {
      throw mapError(err, `Publishing to ${topic}`);
    }
  }

  /** Listen on the subscription `opts.name` (default `<topic>-sub`), creating it when missing. */
  async subscribe<T = unknown>(topic: string, handler: MessageHandler<T>, opts: SubscribeOptions = {}): Promise<() => Promise<void>> {
    const name = opts.name ?? `${topic}-sub`;
    checkName(name, 'subscription');
    const t = await this.#topic(topic);
    const subscription = t.subscription(name);
    try {
      const [exists] = await subscription.exists();
      if (!exists) await t.createSubscription(name, { ackDeadlineSeconds: this.#opts.ackDeadlineSeconds ?? 60 });
    } catch (err) {
      // Another process creating the same subscription meanwhile is fine (gRPC ALREADY_EXISTS).
      if ((err as { code?: unknown }).code !== 6) throw mapError(err, `Creating subscription ${name}`);
    }
    subscription.setOptions({ flowControl: { maxMessages: this.#opts.maxInFlight ?? 10, allowExcessMessages: false } });
    const attempts = new Map<string, number>();
    const onMessage = (message: Message) => {
      const counted = (attempts.get(message.id) ?? 0) + 1;
      attempts.set(message.id, counted);
      const delivery: Delivery<T> = {
        id: message.id,
        topic,
        data: parse(message.data) as T,
        attempt: message.deliveryAttempt > 0 ? message.deliveryAttempt : counted,
        publishedAt: new Date(message.publishTime.getTime()),
      };
      handler(delivery).then(
        () => {
          attempts.delete(message.id);
          message.ack();
        },
        () => message.nack(),
      );
    };
    const onError = (err: Error) => (this.#opts.onError ?? warn)(err, name);
    subscription.on('message', onMessage);
    subscription.on('error', onError);
    this.#subscriptions.add(subscription);
    return async () => {
      subscription.removeListener('message', onMessage);
      this.#subscriptions.delete(subscription);
      await subscription.close();
      subscription.removeListener('error', onError);
    };
  }

  /** Stop every subscriber and release the client. */
  async close(): Promise<void> {
    const subs = [...this.#subscriptions];
    this.#subscriptions.clear();
    await Promise.allSettled(subs.map((s) => s.removeAllListeners('message').close()));
    await this.#pubsub.close();
  }
}

function parse(data: Buffer): unknown {
  const text = data.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function checkName(name: string, kind: string): void {
  if (!NAME.test(name) || name.startsWith('goog')) {
    throw new DataError(`Invalid Pub/Sub ${kind} name ${JSON.stringify(name)}: 3–255 of letters, digits, - _ . ~ + %, starting with a letter`, {
      stage: 'storage',
      details: { name },
    });
  }
}

function mapError(err: unknown, what: string): unknown {
  if (!isTransient(err)) return err;
  return new TransientError(`${what}: ${describeError(err)}`, { stage: 'storage', cause: err });
}

function warn(err: Error, subscription: string): void {
  process.emitWarning(`Pub/Sub subscription ${subscription}: ${err.message}`, 'PubSubWarning');
}
