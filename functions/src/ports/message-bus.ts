/**
 * The message port: topics carrying small JSON messages (ids and storage paths, never data).
 * Delivery is at least once: a handler that throws gets the message again later.
 */

/** A delivered message. */
export interface Delivery<T = unknown> {
  /** Id assigned by the bus when the message was published. */
  id: string;
  topic: string;
  data: T;
  /** 1 on first delivery, 2 on the first redelivery, … */
  attempt: number;
  publishedAt: Date;
}

/** A message handler; throwing (or rejecting) asks for redelivery. */
export type MessageHandler<T = unknown> = (delivery: Delivery<T>) => Promise<void>;

/** Options of a subscription. */
export interface SubscribeOptions {
  /**
   * Name of the subscription (Pub/Sub: created once per topic and name, so a restarted subscriber
   * resumes where it stopped and two names each get every message). Defaults to one per topic.
   */
  name?: string;
}

/** Publish/subscribe over named topics. */
export interface MessageBus {
  /** Publish a JSON-serialisable message; resolves with the message id once accepted. */
  publish(topic: string, data: unknown): Promise<string>;
  /** Register a handler for a topic; returns a function that removes it. */
  subscribe<T = unknown>(topic: string, handler: MessageHandler<T>, opts?: SubscribeOptions): Promise<() => Promise<void>>;
  /** Resolve when every published message has been handled or dead-lettered (embedded/tests). */
  drain?(): Promise<void>;
  /** Release connections. */
  close(): Promise<void>;
}
