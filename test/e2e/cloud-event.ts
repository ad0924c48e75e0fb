/** Invoking event functions the way the Functions runtime does, from messages on the bus. */
import type { CloudEvent } from 'firebase-functions/v2';
import type { Delivery } from '../../functions/src/ports/index.ts';

/** A CloudEvent of a Pub/Sub message, as Eventarc delivers it to a function. */
export function cloudEventOf(d: Delivery, topic: string, project: string): CloudEvent<unknown> {
  return {
    specversion: '1.0',
    id: d.id,
    source: `//pubsub.googleapis.com/projects/${project}/topics/${topic}`,
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    time: d.publishedAt.toISOString(),
    data: {
      message: { data: Buffer.from(JSON.stringify(d.data)).toString('base64'), messageId: d.id, publishTime: d.publishedAt.toISOString(), attributes: {} },
      subscription: `projects/${project}/subscriptions/${topic}-e2e`,
    },
  };
}

/** Wait for a condition the asynchronous functions will reach (bounded, never asserted on speed). */
export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
