/**
 * The decide stage: evaluate every trigger for one schedule slot, add the results up into a
 * decision with a strategy hint and a retrain request, and record it (`trigger_decisions`).
 * Safe to run twice: a slot that was decided already returns its stored decision.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { ConflictError, describeError, isTransient } from '../../shared/errors.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { RetrainRequestSchema, type RetrainRequest } from '../../shared/messages.ts';
import { dataVolumeTrigger } from './data-volume.ts';
import { driftTrigger } from './drift.ts';
import { TriggerDecisionSchema, recommendationText, type TriggerDecision } from './decision.ts';
import { decisionIdFor, runIdFor, slotOf, type CheckMode } from './ids.ts';
import { findModelState } from './last-training.ts';
import { performanceTrigger } from './performance.ts';
import { chooseStrategy } from './strategy.ts';
import { servingTrainedUnderDrift } from './drift-history.ts';
import { timeBasedTrigger } from './time-based.ts';
import { refreshLive, type LiveRead } from '../monitor/live-metrics.ts';
import { TriggerResultSchema, type Trigger, type TriggerContext, type TriggerResult } from './trigger.ts';

const DAY_MS = 86_400_000;

/** The triggers the checker evaluates, in the order they are recorded. */
export function defaultTriggers(): Trigger[] {
  return [timeBasedTrigger, dataVolumeTrigger, performanceTrigger, driftTrigger];
}

/** Options of one evaluation. */
export interface DecideOptions {
  mode: CheckMode;
  /** The instant to decide for (the schedule time); defaults to the clock. */
  at?: Date;
  triggers?: Trigger[];
  /** Evaluate and return the decision without recording it. */
  dryRun?: boolean;
  /** How the live triggers read (default: rollups, refreshed first). */
  live?: LiveRead;
  log?: PipelineLogger;
}

/** A decision and whether it was read back from an earlier evaluation of the same slot. */
export interface DecideResult {
  decision: TriggerDecision;
  reused: boolean;
}

async function evaluateOne(trigger: Trigger, ctx: TriggerContext): Promise<TriggerResult> {
  try {
    return TriggerResultSchema.parse(await trigger.evaluate(ctx));
  } catch (err) {
    if (isTransient(err)) throw err;
    // A broken signal is recorded and does not fire; the other triggers still decide.
    return TriggerResultSchema.parse({ name: trigger.name, evaluated: false, triggered: false, reason: `error: ${describeError(err)}` });
  }
}

/**
 * The collection window of the request: all retained data for a full retrain, else the data-volume
 * window reaching back to the last training (nothing trained since is left out), within retention.
 */
export function requestWindow(config: RetrainingConfig, at: Date, strategy: string, lastTrainingAt: Date | null): { start: Date; end: Date } {
  const retentionStart = at.getTime() - config.dataCollection.dataRetentionDays * DAY_MS;
  if (strategy === 'full' || !lastTrainingAt) return { start: new Date(retentionStart), end: at };
  const windowStart = at.getTime() - config.triggers.dataVolume.windowDays * DAY_MS;
  return { start: new Date(Math.max(retentionStart, Math.min(windowStart, lastTrainingAt.getTime()))), end: at };
}

/** Evaluate the triggers for a slot and record the decision. */
export async function decide(ports: Ports, config: RetrainingConfig, opts: DecideOptions): Promise<DecideResult> {
  const log = opts.log ?? createLogger(silentSink);
  const started = ports.clock.now();
  const at = slotOf(opts.at ?? started, opts.mode);
  const decisionId = decisionIdFor(at, opts.mode);
  const collection = config.pipeline.collections.decisions;
  if (!opts.dryRun) {
    const stored = await ports.records.get(collection, decisionId);
    if (stored) return reuse(stored.data, log);
  }
  log.stageStarted('decide', { decisionId, mode: opts.mode, at: at.toISOString() });

  const state = await findModelState(ports, config);
  const ctx: TriggerContext = {
    ports,
    config,
    at,
    // New data: the last `windowDays`, but never what the last training already saw.
    window: { start: new Date(Math.max(at.getTime() - config.triggers.dataVolume.windowDays * DAY_MS, state.lastTraining?.at.getTime() ?? -Infinity)), end: at },
    lastTraining: state.lastTraining,
    currentVersion: state.currentVersion,
    live: opts.live,
  };
  // One rollup pass for the live triggers (the performance and the drift window); with nothing serving they measure nothing.
  if (state.currentVersion) {
    const liveStart = Math.min(ctx.window.start.getTime(), at.getTime() - config.triggers.performance.monitoringWindowHours * 3_600_000);
    ctx.live = await refreshLive(ports, config, { start: new Date(liveStart), end: at }, opts.live, [state.currentVersion]);
  }
  const results: TriggerResult[] = [];
  for (const trigger of opts.triggers ?? defaultTriggers()) results.push(await evaluateOne(trigger, ctx));

  const fired = results.filter((r) => r.triggered).flatMap((r) => [r.name, ...r.signals]);
  const reasons = [...new Set(opts.mode === 'force' ? ['manual', ...fired] : fired)];
  const blockedBy = results.filter((r) => r.blocks).map((r) => r.name);
  const shouldRetrain = opts.mode === 'force' || (reasons.length > 0 && blockedBy.length === 0);
  // Days since the last training to a tenth: a weekly slot sees a training of 14 days ago as 13.99, which must count as 14.
  const sinceDays = state.lastTraining ? Math.round((at.getTime() - state.lastTraining.at.getTime()) / DAY_MS / 0.1) * 0.1 : Infinity;
  const choice = shouldRetrain ? chooseStrategy(reasons, config, state.currentVersion, sinceDays) : null;
  const strategy = choice?.strategy ?? 'auto';
  // Drift or a performance drop, now or when the serving version was trained: the trainer must not hold an update to the drifted past.
  const firedNow = results.some((r) => (r.name === 'drift' || r.name === 'performance') && r.triggered);
  const servingRun = firedNow ? null : await servingTrainedUnderDrift(ports, config, state.currentVersion);
  const driftDetected = firedNow || servingRun !== null;
  const driftNote = firedNow ? 'drift or a performance drop detected at this check' : servingRun ? `the serving version was trained after drift was detected (run ${servingRun}): its data straddles the change` : null;
  const runId = shouldRetrain && opts.mode !== 'check' ? runIdFor(at, opts.mode) : null;
  let request: RetrainRequest | null = null;
  if (runId) {
    const window = requestWindow(config, at, strategy, state.lastTraining?.at ?? null);
    request = RetrainRequestSchema.parse({
      runId,
      window: { start: window.start.toISOString(), end: window.end.toISOString() },
      reasons,
      strategy,
      requestedAt: started.toISOString(),
      minSessionDurationMs: config.dataCollection.minSessionDurationMs,
      maxSamples: config.dataCollection.maxSamplesPerCollection,
      driftDetected,
    });
  }
  const decision = TriggerDecisionSchema.parse({
    decisionId,
    mode: opts.mode,
    at: at.toISOString(),
    evaluatedAt: started.toISOString(),
    currentVersion: state.currentVersion,
    lastTraining: state.lastTraining ? { ...state.lastTraining, at: state.lastTraining.at.toISOString() } : null,
    triggers: results,
    shouldRetrain,
    reasons,
    blockedBy,
    strategy,
    strategyReason: choice?.reason ?? null,
    driftDetected,
    driftNote,
    recommendation: recommendationText({ shouldRetrain, reasons, blockedBy, strategy, currentVersion: state.currentVersion }),
    runId,
    request,
  });

  const fields = { runId: runId ?? undefined, decisionId, shouldRetrain, reasons, strategy, counts: signalCounts(results) };
  if (opts.dryRun) {
    log.stageCompleted('decide', ports.clock.now().getTime() - started.getTime(), { ...fields, dryRun: true });
    return { decision, reused: false };
  }
  try {
    await ports.records.create(collection, decisionId, JSON.parse(JSON.stringify(decision)));
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    // Another delivery of the same slot decided first: its decision is the one that counts.
    const stored = await ports.records.get(collection, decisionId);
    if (stored) return reuse(stored.data, log);
    throw err;
  }
  log.stageCompleted('decide', ports.clock.now().getTime() - started.getTime(), fields);
  return { decision, reused: false };
}

/** A slot decided before (a Scheduler retry, a re-triggered checker): its stored decision, logged as reused. */
function reuse(data: unknown, log: PipelineLogger): DecideResult {
  const decision = TriggerDecisionSchema.parse(data);
  log.stageReused('decide', { runId: decision.runId ?? undefined, decisionId: decision.decisionId, shouldRetrain: decision.shouldRetrain });
  return { decision, reused: true };
}

/** Numeric signal values for the log line (`new_samples`, `days_since_last`…). */
function signalCounts(results: TriggerResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.values)) if (typeof v === 'number') counts[`${r.name}.${k}`] = v;
  return counts;
}
