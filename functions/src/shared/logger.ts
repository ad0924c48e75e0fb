/**
 * Structured pipeline events with named helpers (`stageStarted`, `stageCompleted`, …), so that a
 * Cloud Logging query on `event`/`runId`/`stage` finds every run, and the CLI prints the same
 * events readably. Where an event goes is a pluggable sink: the firebase-functions logger in
 * functions, a console renderer in the CLI, an array in tests.
 */
// The `firebase-functions/logger` entry point is the same logger as `firebase-functions`'s export,
// without loading the whole SDK (0.5 s of CLI start-up).
import { logger as firebaseLogger } from 'firebase-functions/logger';
import { describeError, PipelineError, type Stage } from './errors.ts';

/** Cloud Logging severities used by the pipeline. */
export type Severity = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** One structured event: `event` names it, the other fields are searchable payload. */
export interface LogEvent {
  event: string;
  severity: Severity;
  message: string;
  runId?: string;
  stage?: Stage;
  durationMs?: number;
  counts?: Record<string, number>;
  [field: string]: unknown;
}

/** Where events go. */
export type LogSink = (event: LogEvent) => void;

/** Fields every event of a stage may carry. */
export interface EventFields {
  runId?: string;
  counts?: Record<string, number>;
  [field: string]: unknown;
}

/** The named helpers; one per kind of event, so that events stay uniform across stages. */
export interface PipelineLogger {
  readonly sink: LogSink;
  stageStarted(stage: Stage, fields?: EventFields): void;
  stageCompleted(stage: Stage, durationMs: number, fields?: EventFields): void;
  stageFailed(stage: Stage, err: unknown, fields?: EventFields & { durationMs?: number }): void;
  /** A stage found its output already complete (redelivery) and reused it. */
  stageReused(stage: Stage, fields?: EventFields): void;
  /** A message failed its schema: acknowledged, not retried. */
  messageRejected(stage: Stage, reason: string, fields?: EventFields): void;
  messagePublished(stage: Stage, topic: string, messageId: string, fields?: EventFields): void;
  /** Periodic progress of long work. */
  progress(stage: Stage, fields: EventFields): void;
  warning(stage: Stage, message: string, fields?: EventFields): void;
  info(stage: Stage, message: string, fields?: EventFields): void;
  /** A change of what users are served (or a refused one): one per deployment record. */
  deployment(fields: EventFields & { deploymentId: string; action: string; outcome: string; fromVersion: string | null; toVersion: string | null; reason: string }): void;
  /** The canary watcher's verdict on a canary or a fresh promotion, with the live numbers. */
  canaryVerdict(fields: EventFields & { verdict: string; version: string; reason: string }): void;
  /** A version the serving path could not use and what it served instead. */
  servingFallback(fields: EventFields & { version: string; role: string; servedInstead: string | null; problem: string }): void;
}

function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof PipelineError) return { error: err.toJSON() };
  return { error: { message: describeError(err), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) } };
}

/** Build the helpers on top of a sink. */
export function createLogger(sink: LogSink): PipelineLogger {
  const emit = (severity: Severity, event: string, stage: Stage, message: string, fields: EventFields = {}) =>
    sink({ ...fields, event, severity, message, stage });
  return {
    sink,
    stageStarted: (stage, f) => emit('INFO', 'stage_started', stage, `${stage} started`, f),
    stageCompleted: (stage, durationMs, f) =>
      emit('INFO', 'stage_completed', stage, `${stage} completed in ${durationMs} ms`, { ...f, durationMs }),
    stageFailed: (stage, err, f) => {
      const transient = err instanceof PipelineError ? err.transient : undefined;
      emit('ERROR', 'stage_failed', stage, `${stage} failed: ${describeError(err)}`, { ...f, ...errorFields(err), transient });
    },
    stageReused: (stage, f) => emit('INFO', 'stage_reused', stage, `${stage} output already complete; reused`, f),
    messageRejected: (stage, reason, f) => emit('ERROR', 'message_rejected', stage, `${stage} rejected a message: ${reason}`, { ...f, reason }),
    messagePublished: (stage, topic, messageId, f) =>
      emit('INFO', 'message_published', stage, `${stage} published to ${topic}`, { ...f, topic, messageId }),
    progress: (stage, f) => emit('DEBUG', 'progress', stage, `${stage} progress`, f),
    warning: (stage, message, f) => emit('WARNING', 'warning', stage, message, f),
    info: (stage, message, f) => emit('INFO', 'info', stage, message, f),
    deployment: (f) =>
      emit(f.outcome === 'conflict' || f.outcome === 'rejected' || f.action === 'rollback' ? 'WARNING' : 'INFO', 'deployment', 'deploy', `${f.action} ${f.fromVersion ?? '-'} → ${f.toVersion ?? '-'}: ${f.outcome} (${f.reason})`, f),
    canaryVerdict: (f) => emit(f.verdict === 'rollback' ? 'WARNING' : 'INFO', 'canary_verdict', 'monitor', `${f.version}: ${f.verdict} (${f.reason})`, f),
    servingFallback: (f) =>
      emit('ERROR', 'serving_fallback', 'serve', `${f.role} version ${f.version} cannot be served (${f.problem}); serving ${f.servedInstead ?? 'the default stylesheet'}`, f),
  };
}

/**
 * Events to the firebase-functions logger as structured entries (`jsonPayload` in Cloud Logging).
 * `write` keeps the entry as given; `logger.error` would turn the message into a stack trace.
 */
export const firebaseSink: LogSink = (e) => {
  firebaseLogger.write(e);
};

function formatCounts(counts: Record<string, number> | undefined): string {
  if (!counts) return '';
  const parts = Object.entries(counts).map(([k, v]) => `${k}=${v.toLocaleString('en-US')}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * Events as readable lines for a terminal (`✓ collect completed in 1.2 s (rows=…)`); DEBUG events
 * are dropped unless `verbose`. Writes to stderr so stdout stays the command's result.
 */
export function consoleSink(opts: { write?: (line: string) => void; verbose?: boolean } = {}): LogSink {
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  return (e) => {
    if (e.severity === 'DEBUG' && !opts.verbose) return;
    const mark = e.severity === 'ERROR' ? '✗' : e.severity === 'WARNING' ? '!' : e.event === 'stage_completed' ? '✓' : '·';
    const run = e.runId ? ` [${e.runId}]` : '';
    const text =
      e.event === 'stage_completed' && typeof e.durationMs === 'number'
        ? `${e.stage} completed in ${(e.durationMs / 1000).toFixed(1)} s`
        : e.message;
    write(`${mark} ${text}${run}${formatCounts(e.counts)}`);
  };
}

/** Events into an array (tests assert on them). */
export function memorySink(into: LogEvent[] = []): LogSink & { events: LogEvent[] } {
  const sink = ((e: LogEvent) => void into.push(e)) as LogSink & { events: LogEvent[] };
  sink.events = into;
  return sink;
}

/** Drops everything. */
export const silentSink: LogSink = () => {};

/** The logger of deployed functions. */
export const functionsLogger: PipelineLogger = createLogger(firebaseSink);
