/**
 * Run records (`retraining_runs/<runId>`): one document per pipeline run with the trigger decision
 * that started it, every stage's status and timings, the run's outputs and its error. Every stage
 * of every function writes its progress here through `markStage`, with a revision precondition so
 * that concurrent deliveries never lose each other's updates.
 *
 * `runs/` is the one owner of run bookkeeping: this file (the record, its schema and updates),
 * run-stage.ts (claiming a stage under a lease, and what an expired lease means) and
 * version-binding.ts (which version a run writes). Nothing else writes either.
 */
import { z } from 'zod';
import type { Ports } from '../ports/index.ts';
import { ConflictError, PipelineError, TransientError, describeError, isTransient } from '../shared/errors.ts';
import { RunIdSchema, StrategySchema } from '../shared/messages.ts';
import { StageOwnerSchema } from './stage-owner.ts';

/** Default collection of run records (config `pipeline.collections.runs`). */
export const RUNS_COLLECTION = 'retraining_runs';

/** The stages a run goes through, in order. */
export const RUN_STAGES = ['check', 'collect', 'validate', 'train'] as const;
/** A stage name of the run record. */
export type RunStage = (typeof RUN_STAGES)[number];

/** `retrying`: failed with a transient error, the message will be redelivered. */
export const StageStatusSchema = z.enum(['running', 'retrying', 'succeeded', 'failed', 'skipped']);
/** Status of one stage of a run. */
export type StageStatus = z.infer<typeof StageStatusSchema>;

/** `requested`: published, no stage started yet. */
export const RunStatusSchema = z.enum(['requested', 'running', 'succeeded', 'skipped', 'failed']);
/** Status of a run. */
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** An error as stored on a record (PipelineError.toJSON() or a plain message). */
export const ErrorInfoSchema = z.looseObject({
  message: z.string(),
  code: z.string().optional(),
  stage: z.string().optional(),
  transient: z.boolean().optional(),
});
/** An error as stored on a record. */
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

/** What a run produced so far; filled by the stages that produce it. */
export const RunOutputsSchema = z.looseObject({
  csvPath: z.string().optional(),
  metadataPath: z.string().optional(),
  rows: z.number().int().nonnegative().optional(),
  verdict: z.string().optional(),
  version: z.string().nullable().optional(),
  strategy: z.string().nullable().optional(),
  metrics: z.record(z.string(), z.number()).optional(),
});
/** The outputs of a run. */
export type RunOutputs = z.infer<typeof RunOutputsSchema>;

/** One stage of one run. */
export const StageRecordSchema = z.object({
  status: StageStatusSchema,
  /** Deliveries that started this stage (1 unless a message was redelivered). */
  attempts: z.number().int().nonnegative().default(0),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  durationMs: z.number().nonnegative().optional(),
  /** Counts, paths, the message published next: whatever the stage wants to show. */
  details: z.record(z.string(), z.unknown()).default({}),
  error: ErrorInfoSchema.optional(),
  /** The process working on it while `running` (runs/stage-owner.ts). */
  owner: StageOwnerSchema.optional(),
});
/** One stage of one run, as stored. */
export type StageRecord = z.infer<typeof StageRecordSchema>;

/** The run record. */
export const RunRecordSchema = z.object({
  runId: RunIdSchema,
  status: RunStatusSchema,
  /** What started the run: the scheduler, `retrain auto --mode force|scheduled`, or a bare message. */
  mode: z.string().default('message'),
  trigger: z
    .object({
      decisionId: z.string().nullable().default(null),
      reasons: z.array(z.string()).default([]),
      strategy: StrategySchema.default('auto'),
    })
    .prefault({}),
  window: z.object({ start: z.string(), end: z.string() }).nullable().default(null),
  stages: z.partialRecord(z.enum(RUN_STAGES), StageRecordSchema).default({}),
  outputs: RunOutputsSchema.default({}),
  error: ErrorInfoSchema.nullable().default(null),
  /** Why a run ended without a new version (skipped, no improvement). */
  reason: z.string().nullable().default(null),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable().default(null),
  durationMs: z.number().nonnegative().nullable().default(null),
});
/** A validated run record. */
export type RunRecord = z.infer<typeof RunRecordSchema>;
/** A run record as written (defaults may be left out). */
export type RunRecordInput = z.input<typeof RunRecordSchema>;

/** Options shared by the helpers: the collection (config `pipeline.collections.runs`). */
export interface RunStoreOptions {
  collection?: string;
}

/** What a stage reports with its status. */
export interface StageDetails {
  /** Merged into the run's `outputs` (CSV path, rows, version…). */
  outputs?: RunOutputs;
  /** The error of a failed or retrying stage. */
  error?: unknown;
  /** Anything else worth showing (counts, the message published next). */
  [key: string]: unknown;
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['succeeded', 'skipped', 'failed']);

/** True when a run can no longer change (its messages are acknowledged without work). */
export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.has(status);
}

/** A plain error object for a record. */
export function errorInfo(err: unknown, stage?: string): ErrorInfo {
  if (err instanceof PipelineError) return err.toJSON() as ErrorInfo;
  return { message: describeError(err), ...(stage ? { stage } : {}), transient: isTransient(err) };
}

/** Firestore rejects `undefined`: records go through JSON. */
function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/**
 * Validate a stored run record. A record created by a writer that only knows its own fields (a
 * bare `{ runId, collect: … }` patch) is completed with defaults rather than rejected.
 */
export function parseRun(runId: string, data: unknown): RunRecord {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const at = typeof d.createdAt === 'string' ? d.createdAt : typeof d.updatedAt === 'string' ? d.updatedAt : new Date(0).toISOString();
  return RunRecordSchema.parse({ status: 'running', createdAt: at, updatedAt: at, ...d, runId });
}

/** Read and validate a run record, or null. */
export async function getRun(ports: Pick<Ports, 'records'>, runId: string, opts: RunStoreOptions = {}): Promise<RunRecord | null> {
  const rec = await ports.records.get(opts.collection ?? RUNS_COLLECTION, runId);
  return rec ? parseRun(runId, rec.data) : null;
}

/** A new, empty run record. */
export function newRun(runId: string, now: Date, init: Partial<RunRecordInput> = {}): RunRecord {
  const at = now.toISOString();
  return RunRecordSchema.parse({ status: 'requested', ...init, runId, createdAt: at, updatedAt: at });
}

/**
 * Read-modify-write of a run record under a revision precondition, retried on conflict. `change`
 * receives the current record (null when missing) and returns the next one, or null to leave it.
 */
export async function mutateRun(
  ports: Pick<Ports, 'records' | 'clock'>,
  runId: string,
  change: (run: RunRecord | null) => RunRecord | null,
  opts: RunStoreOptions = {},
): Promise<RunRecord | null> {
  const collection = opts.collection ?? RUNS_COLLECTION;
  for (let attempt = 0; attempt < 10; attempt++) {
    const stored = await ports.records.get(collection, runId);
    const current = stored ? parseRun(runId, stored.data) : null;
    const next = change(current);
    if (!next) return current;
    next.updatedAt = ports.clock.now().toISOString();
    try {
      if (stored) await ports.records.update(collection, runId, plain(next), { ifRevision: stored.revision });
      else await ports.records.create(collection, runId, plain(next));
      return next;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  throw new TransientError(`run record ${runId} kept changing under us`, { stage: 'storage', details: { runId } });
}

/** Create the run record unless it exists; returns the stored one and whether it was created. */
export async function ensureRun(
  ports: Pick<Ports, 'records' | 'clock'>,
  runId: string,
  init: Partial<RunRecordInput> = {},
  opts: RunStoreOptions = {},
): Promise<{ run: RunRecord; created: boolean }> {
  let created = false;
  const run = await mutateRun(
    ports,
    runId,
    (cur) => {
      if (cur) return null;
      created = true;
      return newRun(runId, ports.clock.now(), init);
    },
    opts,
  );
  return { run: run!, created };
}

/**
 * Record a stage's progress. `running` counts an attempt and moves the run to running;
 * `succeeded` stores timings and outputs; `retrying` keeps the transient error; `failed` (a
 * permanent error) also fails the run. A missing run record is created (a message published by
 * hand still gets one).
 */
export async function markStage(
  ports: Pick<Ports, 'records' | 'clock'>,
  runId: string,
  stage: RunStage,
  status: StageStatus,
  details: StageDetails = {},
  opts: RunStoreOptions = {},
): Promise<RunRecord> {
  const run = await mutateRun(ports, runId, (cur) => applyStage(cur ?? newRun(runId, ports.clock.now()), stage, status, details, ports.clock.now()), opts);
  return run!;
}

/** The pure state change behind `markStage` (also used inside other read-modify-writes). */
export function applyStage(current: RunRecord, stage: RunStage, status: StageStatus, details: StageDetails, now: Date): RunRecord {
  const { outputs, error, ...rest } = details;
  const run: RunRecord = { ...current };
  const prev = run.stages[stage];
  // A stage recorded straight as finished (a verdict, a skip) counts as one attempt.
  const st: StageRecord = prev ? { ...prev } : { status, attempts: status === 'running' ? 0 : 1, details: {} };
  st.status = status;
  st.details = { ...st.details, ...rest };
  if (status === 'running') {
    st.attempts += 1;
    st.startedAt = now.toISOString();
    delete st.finishedAt;
    delete st.durationMs;
    delete st.error;
    if (!isTerminal(run.status)) run.status = 'running';
  } else {
    delete st.owner;
    st.finishedAt = now.toISOString();
    if (st.startedAt) st.durationMs = now.getTime() - Date.parse(st.startedAt);
    if (error !== undefined) st.error = errorInfo(error, stage);
    else if (status === 'succeeded' || status === 'skipped') delete st.error;
  }
  run.stages = { ...run.stages, [stage]: st };
  if (outputs) run.outputs = { ...run.outputs, ...outputs };
  if (status === 'failed' && !isTerminal(run.status)) finish(run, 'failed', now, { error: st.error ?? { message: `${stage} failed` } });
  return run;
}

function finish(run: RunRecord, status: RunStatus, now: Date, extra: { error?: ErrorInfo; reason?: string | null }): void {
  run.status = status;
  run.finishedAt = now.toISOString();
  run.durationMs = now.getTime() - Date.parse(run.createdAt);
  if (extra.error) run.error = extra.error;
  if (extra.reason !== undefined) run.reason = extra.reason;
}

/** End a run (the last stage calls this); a run that already ended keeps its first ending. */
export async function finishRun(
  ports: Pick<Ports, 'records' | 'clock'>,
  runId: string,
  status: Exclude<RunStatus, 'requested' | 'running'>,
  extra: { outputs?: RunOutputs; reason?: string | null; error?: unknown } = {},
  opts: RunStoreOptions = {},
): Promise<RunRecord> {
  const run = await mutateRun(
    ports,
    runId,
    (cur) => {
      const run = cur ?? newRun(runId, ports.clock.now());
      if (isTerminal(run.status)) return null;
      if (extra.outputs) run.outputs = { ...run.outputs, ...extra.outputs };
      finish(run, status, ports.clock.now(), {
        reason: extra.reason ?? null,
        ...(extra.error !== undefined ? { error: errorInfo(extra.error) } : {}),
      });
      return run;
    },
    opts,
  );
  return run!;
}

/** The most recent runs, newest first (for `retrain status`-like views and the time trigger). */
export async function listRuns(
  ports: Pick<Ports, 'records'>,
  query: { status?: RunStatus; limit?: number } = {},
  opts: RunStoreOptions = {},
): Promise<RunRecord[]> {
  const recs = await ports.records.list(opts.collection ?? RUNS_COLLECTION, {
    ...(query.status ? { where: { status: query.status } } : {}),
    orderBy: { field: 'createdAt', direction: 'desc' },
    limit: query.limit ?? 20,
  });
  return recs.map((r) => parseRun(r.id, r.data));
}
