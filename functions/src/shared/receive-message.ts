/**
 * The edge of every step: a delivered message is parsed here, once, and the typed message is what
 * the stage receives. A message that fails its schema is a permanent error: logged as
 * `message_rejected` and returned for the caller to acknowledge (redelivering it cannot help).
 */
import type { z } from 'zod';
import { formatIssues } from './format-issues.ts';
import { DataError, type Stage } from './errors.ts';
import type { PipelineLogger } from './logger.ts';

/** A parsed message, or why it was rejected. */
export type Received<T> = { ok: true; message: T } | { ok: false; error: DataError };

/** What is being received, for the error and the log. */
export interface ReceiveOptions {
  /** How the message is called in the error (`retrain request`, `dataset-ready message`). */
  name: string;
  stage: Stage;
  log: PipelineLogger;
}

/** Parse a delivered message with its schema; a bad one is logged and returned as a DataError (`MESSAGE_INVALID`). */
export function receiveMessage<S extends z.ZodType>(schema: S, data: unknown, opts: ReceiveOptions): Received<z.output<S>> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issues = formatIssues(parsed.error.issues);
  const error = new DataError(`Invalid ${opts.name}: ${issues.join('; ')}`, { stage: opts.stage, code: 'MESSAGE_INVALID', details: { issues } });
  opts.log.messageRejected(opts.stage, error.message, { issues });
  return { ok: false, error };
}
