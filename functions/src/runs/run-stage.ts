/**
 * One stage of one run under the run record's control: a stage that already completed for the
 * run is skipped (a redelivered message), a run that already ended is left alone, a stage still
 * running elsewhere is retried later (a lease; taken over at once when the process holding it is
 * known to be gone: stage-owner.ts), and the outcome is recorded. Permanent errors fail the run
 * and are returned, never thrown; transient ones are recorded and re-thrown so that the bus
 * redelivers. The partial outputs of a failed run are cleaned up (a retried attempt replaces its
 * own partial outputs, so they are left to it).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Ports } from '../ports/index.ts';
import { TransientError, describeError, isTransient, type Stage } from '../shared/errors.ts';
import { createLogger, silentSink, type EventFields, type PipelineLogger } from '../shared/logger.ts';
import { currentOwner, ownerGone } from './stage-owner.ts';
import { RUNS_COLLECTION, RUN_STAGES, applyStage, getRun, isTerminal, markStage, mutateRun, newRun, type RunOutputs, type RunRecord, type RunStage, type StageRecord } from './run-record.ts';

/**
 * How long a claimed stage counts as running: past it, a crashed attempt is taken over. Longer
 * than the 540 s ceiling of an event-driven function.
 */
export const STAGE_LEASE_MS = 10 * 60_000;

/** What the work of a stage returns. */
export interface StageWork<T> {
  value: T;
  /** `skipped`: the stage decided there was nothing to do (recorded as such). */
  status?: 'succeeded' | 'skipped';
  outputs?: RunOutputs;
  details?: Record<string, unknown>;
}

/** How a stage ended. */
export type StageOutcome<T> =
  | { kind: 'completed'; value: T; run: RunRecord }
  | { kind: 'already_completed'; stage: StageRecord; run: RunRecord }
  | { kind: 'run_ended'; run: RunRecord }
  | { kind: 'failed'; error: unknown; run: RunRecord };

/** Options of `runStage`. */
export interface RunStageOptions {
  collection?: string;
  log?: PipelineLogger;
  /** Delete the partial outputs of a run that failed for good (a CSV without metadata, a version without manifest). */
  cleanup?: () => Promise<void>;
  leaseMs?: number;
  /** Extra fields of every log event. */
  fields?: EventFields;
  /** False when the work logs its own started/completed/failed events (no duplicates in Cloud Logging). */
  logStageEvents?: boolean;
}

/** The stages this async context holds, so that a nested runStage of the same stage does not wait on itself. */
const claims = new AsyncLocalStorage<Set<string>>();

/** Stage names of the run record mapped to the error/log stage names. */
export const LOG_STAGE: Readonly<Record<RunStage, Stage>> = { check: 'decide', collect: 'collect', validate: 'validate', train: 'train' };

type Claim = { kind: 'claimed'; run: RunRecord } | { kind: 'already_completed'; stage: StageRecord; run: RunRecord } | { kind: 'run_ended'; run: RunRecord };

/** Mark the stage running in one compare-and-swap, unless it completed, its run ended, or another delivery holds it. */
async function claim(ports: Pick<Ports, 'records' | 'clock'>, runId: string, stage: RunStage, leaseMs: number, collection?: string): Promise<Claim> {
  let result: Claim | null = null;
  const run = await mutateRun(
    ports,
    runId,
    (cur) => {
      const now = ports.clock.now();
      result = null;
      if (cur && isTerminal(cur.status)) {
        result = { kind: 'run_ended', run: cur };
        return null;
      }
      const st = cur?.stages[stage];
      if (cur && st && (st.status === 'succeeded' || st.status === 'skipped')) {
        result = { kind: 'already_completed', stage: st, run: cur };
        return null;
      }
      if (st?.status === 'running' && st.startedAt && now.getTime() - Date.parse(st.startedAt) < leaseMs && !ownerGone(st.owner)) {
        throw new TransientError(`${stage} of ${runId} is running in another delivery`, { stage: LOG_STAGE[stage], details: { runId, startedAt: st.startedAt } });
      }
      const next = applyStage(cur ?? newRun(runId, now), stage, 'running', {}, now);
      next.stages[stage]!.owner = currentOwner();
      return next;
    },
    { collection },
  );
  return result ?? { kind: 'claimed', run: run! };
}

/** The stage of a run someone works on (running, within its lease, its owner not known to be gone), or null. */
export function liveStage(run: RunRecord | undefined, now: number, leaseMs = STAGE_LEASE_MS): RunStage | null {
  if (!run || isTerminal(run.status)) return null;
  for (const stage of RUN_STAGES) {
    const st = run.stages[stage];
    if (st?.status === 'running' && st.startedAt && now - Date.parse(st.startedAt) < leaseMs && !ownerGone(st.owner)) return stage;
  }
  return null;
}

/** The first stage of a run `running` whose attempt died (past its lease, or its owner gone), or null. */
export function expiredStage(run: RunRecord, now: number, leaseMs = STAGE_LEASE_MS): { stage: RunStage; startedAt: string; ownerGone: boolean } | null {
  if (isTerminal(run.status)) return null;
  for (const stage of RUN_STAGES) {
    const st = run.stages[stage];
    if (st?.status !== 'running') continue;
    const gone = ownerGone(st.owner);
    if (gone || !st.startedAt || now - Date.parse(st.startedAt) >= leaseMs) return { stage, startedAt: st.startedAt ?? run.createdAt, ownerGone: gone };
  }
  return null;
}

/**
 * Fail a run whose attempt died (`expiredStage`), with `error` on that stage — checked again inside
 * the compare-and-swap, so a stage taken over meanwhile is left alone. Returns the record after.
 */
export async function failExpiredStage(ports: Pick<Ports, 'records' | 'clock'>, runId: string, error: unknown, opts: { leaseMs?: number; collection?: string } = {}): Promise<RunRecord | null> {
  return await mutateRun(
    ports,
    runId,
    (cur) => {
      const now = ports.clock.now();
      const still = cur && expiredStage(cur, now.getTime(), opts.leaseMs);
      return still ? applyStage(cur, still.stage, 'failed', { error }, now) : null;
    },
    { collection: opts.collection },
  );
}

/** Run `work` as stage `stage` of run `runId`. */
export async function runStage<T>(
  ports: Pick<Ports, 'records' | 'clock'>,
  runId: string,
  stage: RunStage,
  work: (run: RunRecord) => Promise<StageWork<T>>,
  opts: RunStageOptions = {},
): Promise<StageOutcome<T>> {
  const log = opts.log ?? createLogger(silentSink);
  const own = opts.logStageEvents ?? true;
  const logStage = LOG_STAGE[stage];
  const fields = { ...opts.fields, runId };
  const runs = { collection: opts.collection };
  const key = `${opts.collection ?? RUNS_COLLECTION}/${runId}/${stage}`;
  const held = claims.getStore();
  if (held?.has(key)) {
    // Nested inside a runStage of the same stage (a wrapper around a handler that claims too):
    // the outer call has claimed it and records the outcome.
    const run = await getRun(ports, runId, runs);
    if (!run) throw new TransientError(`run record ${runId} vanished while ${stage} was running`, { stage: logStage, details: { runId } });
    const done = await work(run);
    return { kind: 'completed', value: done.value, run };
  }
  const claimed = await claim(ports, runId, stage, opts.leaseMs ?? STAGE_LEASE_MS, opts.collection);
  if (claimed.kind === 'already_completed') {
    log.stageReused(logStage, fields);
    return claimed;
  }
  if (claimed.kind === 'run_ended') {
    log.info(logStage, `run ${runId} already ${claimed.run.status}; message acknowledged without work`, fields);
    return claimed;
  }
  const started = ports.clock.now().getTime();
  if (own) log.stageStarted(logStage, { ...fields, attempt: claimed.run.stages[stage]?.attempts });
  try {
    const done = await claims.run(new Set([...(held ?? []), key]), () => work(claimed.run));
    const run = await markStage(ports, runId, stage, done.status ?? 'succeeded', { ...done.details, outputs: done.outputs }, runs);
    if (own) log.stageCompleted(logStage, ports.clock.now().getTime() - started, { ...fields, ...(done.details?.counts ? { counts: done.details.counts as Record<string, number> } : {}) });
    return { kind: 'completed', value: done.value, run };
  } catch (err) {
    const transient = isTransient(err);
    if (own) log.stageFailed(logStage, err, { ...fields, durationMs: ports.clock.now().getTime() - started });
    if (opts.cleanup && !transient) {
      try {
        await opts.cleanup();
      } catch (cleanupErr) {
        log.warning(logStage, `cleanup after a failed ${stage} failed: ${describeError(cleanupErr)}`, fields);
      }
    }
    const run = await markStage(ports, runId, stage, transient ? 'retrying' : 'failed', { error: err }, runs);
    if (transient) throw err;
    return { kind: 'failed', error: err, run };
  }
}
