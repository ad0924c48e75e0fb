/**
 * Errors are data: a code, the stage that raised it, whether a retry can help, and the cause.
 * Event functions re-throw only transient errors so that Pub/Sub redelivers; permanent ones
 * are recorded on the run and acknowledged.
 */

/** Where in the pipeline an error was raised. */
export type Stage =
  | 'config'
  | 'simulate'
  | 'collect'
  | 'validate'
  | 'train'
  | 'evaluate'
  | 'compare'
  | 'deploy'
  | 'serve'
  | 'monitor'
  | 'decide'
  | 'report'
  | 'engine'
  | 'storage'
  | 'cli';

/** Base class of every error the pipeline raises on purpose. */
export class PipelineError extends Error {
  readonly code: string;
  readonly stage: Stage;
  readonly transient: boolean;
  readonly details: Record<string, unknown>;

  constructor(
    message: string,
    opts: { code: string; stage: Stage; transient?: boolean; cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.stage = opts.stage;
    this.transient = opts.transient ?? false;
    this.details = opts.details ?? {};
  }

  /** A plain object for run records and `--json` output. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      stage: this.stage,
      transient: this.transient,
      message: this.message,
      ...(Object.keys(this.details).length ? { details: this.details } : {}),
    };
  }
}

/** The config file or a flag is wrong; retrying cannot help. */
export class ConfigError extends PipelineError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, { code: 'CONFIG_INVALID', stage: 'config', details, cause });
  }
}

/** Input data (a log, a CSV cell, a model file, a message) is wrong; retrying cannot help. */
export class DataError extends PipelineError {
  constructor(message: string, opts: { stage: Stage; code?: string; details?: Record<string, unknown>; cause?: unknown }) {
    super(message, { code: opts.code ?? 'DATA_INVALID', stage: opts.stage, details: opts.details, cause: opts.cause });
  }
}

/** A write-once object or record already exists, or a precondition (compare-and-swap) failed. */
export class ConflictError extends PipelineError {
  constructor(message: string, opts: { stage: Stage; details?: Record<string, unknown>; cause?: unknown }) {
    super(message, { code: 'CONFLICT', stage: opts.stage, details: opts.details, cause: opts.cause });
  }
}

/** A requested object or record does not exist. */
export class NotFoundError extends PipelineError {
  constructor(message: string, opts: { stage: Stage; details?: Record<string, unknown>; cause?: unknown }) {
    super(message, { code: 'NOT_FOUND', stage: opts.stage, details: opts.details, cause: opts.cause });
  }
}

/** A dependency was unavailable (network, quota, emulator starting); a retry may succeed. */
export class TransientError extends PipelineError {
  constructor(message: string, opts: { stage: Stage; details?: Record<string, unknown>; cause?: unknown }) {
    super(message, { code: 'TRANSIENT', stage: opts.stage, transient: true, details: opts.details, cause: opts.cause });
  }
}

/** True when retrying the same operation may succeed (our transient errors and known network codes). */
export function isTransient(err: unknown): boolean {
  if (err instanceof PipelineError) return err.transient;
  const code = (err as { code?: unknown } | null)?.code;
  // gRPC: UNAVAILABLE 14, DEADLINE_EXCEEDED 4, RESOURCE_EXHAUSTED 8, ABORTED 10; HTTP 429/5xx.
  if (typeof code === 'number') return [4, 8, 10, 14, 429, 500, 502, 503, 504].includes(code);
  if (typeof code === 'string') return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE'].includes(code);
  return false;
}

/** A short, one-line description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
