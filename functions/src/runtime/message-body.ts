/** Reading the body of a Pub/Sub CloudEvent the same way in every event function. */

/** The message body as JSON, or the raw text when it is not JSON (then rejected by the stage's schema). */
export function messageBody(message: { json: unknown; data: string }): unknown {
  try {
    return message.json;
  } catch {
    return Buffer.from(message.data ?? '', 'base64').toString('utf8');
  }
}
