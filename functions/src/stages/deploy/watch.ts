/**
 * The canary watcher (the hourly `canaryWatcher` function, `retrain deployments watch`): reads
 * the serving state and judges what is under watch on live metrics — the canary against the
 * stable version over the canary's sessions so far, or a version promoted less than
 * `deployment.monitoringHours` ago against its predecessor's last `monitoringHours`.
 *
 * Canary: significantly worse on any class target → rolled back at once (`rollbackEnabled`, else
 * held for a human); after `monitoringHours` with at least `minCanarySessions` scored sessions and
 * not significantly worse → promoted; otherwise wait. Fresh promotion: significantly below its
 * predecessor → rolled back. Each change is one compare-and-swap write with a record carrying the
 * live numbers; its id derives from the deployment judged, so two watchers racing on the same
 * verdict write it once.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { ModelRegistry, type CurrentPointer } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { compareLive, describeComparison, type LiveComparison } from '../monitor/live-comparison.ts';
import { liveMetrics, refreshLive, type LiveRead } from '../monitor/live-metrics.ts';
import { commitChange, type DeploymentResult } from './commit.ts';
import type { Actor } from './deployment-record.ts';
import { derivedDeploymentId, getDeployment, settleDeployment } from './deployment-store.ts';
import { rollback } from './rollback.ts';

const HOUR_MS = 3_600_000;

/** What the watcher concluded about one deployment under watch. */
export interface WatchDecision {
  kind: 'canary' | 'promotion';
  /** promote / rollback: done (see `result`); hold: worse but rollbackEnabled is off; wait / watching: not yet; final: out of its window. */
  verdict: 'promote' | 'rollback' | 'hold' | 'wait' | 'watching' | 'final';
  version: string;
  baselineVersion: string;
  reason: string;
  elapsedHours: number;
  comparison: LiveComparison | null;
  /** The change made (promote, rollback), with its record; null otherwise. */
  result: DeploymentResult | null;
}

/** One pass of the watcher. */
export interface WatchResult {
  at: string;
  state: { version: string | null; canary: string | null; generation: string | null; problem: string | null };
  decisions: WatchDecision[];
}

/** Options of a pass. */
export interface WatchOptions {
  /** The instant judged (the scheduled time of the watcher's run); default the clock's now. */
  now?: Date;
  actor?: Actor;
  /** How live metrics are read (default: rollups, refreshed first). */
  live?: LiveRead;
  log?: PipelineLogger;
}

type WatchPorts = Pick<Ports, 'artifacts' | 'records' | 'clock' | 'logs'>;

const hours = (ms: number) => Math.round((ms / HOUR_MS) * 100) / 100;

/** Judge everything under watch once; changes the serving state only for a verdict. */
export async function watchDeployments(ports: WatchPorts, config: RetrainingConfig, opts: WatchOptions = {}): Promise<WatchResult> {
  const log = opts.log ?? createLogger(silentSink);
  const now = opts.now ?? ports.clock.now();
  const actor = opts.actor ?? { kind: 'watcher', id: 'canary-watcher' };
  const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
  const read = await registry.readServingState();
  const cur = read.pointer;
  const result: WatchResult = {
    at: now.toISOString(),
    state: { version: cur?.version ?? null, canary: cur?.canary?.version ?? null, generation: read.generation, problem: read.problem },
    decisions: [],
  };
  if (!cur) return result;
  const live = opts.live ?? {};
  const decision = cur.canary ? await judgeCanary(ports, config, cur, read.generation!, now, actor, log, live) : await judgePromotion(ports, config, cur, read.generation!, now, actor, log, live);
  if (decision) {
    log.canaryVerdict({ verdict: decision.verdict, version: decision.version, baselineVersion: decision.baselineVersion, reason: decision.reason, kind: decision.kind, elapsedHours: decision.elapsedHours, ...(decision.comparison ? { live: summary(decision.comparison) } : {}), deploymentId: decision.result?.deploymentId ?? null });
    result.decisions.push(decision);
  }
  return result;
}

/** The live numbers a record keeps: sessions, scored, and per target both accuracies with intervals and p. */
function summary(c: LiveComparison): Record<string, unknown> {
  return { level: c.level, baseline: c.baseline, candidate: c.candidate, targets: c.targets, worse: c.worse };
}

async function judgeCanary(ports: WatchPorts, config: RetrainingConfig, cur: CurrentPointer, generation: string, now: Date, actor: Actor, log: PipelineLogger, read: LiveRead): Promise<WatchDecision> {
  const canary = cur.canary!;
  const d = config.deployment;
  const start = new Date(canary.startedAt);
  const elapsedHours = hours(now.getTime() - start.getTime());
  const base = { kind: 'canary' as const, version: canary.version, baselineVersion: cur.version, elapsedHours, result: null };
  if (now <= start) return { ...base, verdict: 'wait', reason: 'the canary has not started yet at this time', comparison: null };
  const live = await liveMetrics(ports, config, { start, end: now, versions: [cur.version, canary.version], ...read });
  const cmp = compareLive(
    live.groups.filter((g) => g.version === cur.version && g.variant === 'current'),
    live.groups.filter((g) => g.version === canary.version && g.variant === 'canary'),
    live.level,
  );
  const metrics = { window: live.window, elapsedHours, monitoringHours: d.monitoringHours, minCanarySessions: d.minCanarySessions, percentage: canary.percentage, live: summary(cmp), unscored: live.counts.unscored };
  const numbers = describeComparison(cmp);
  const judged = canary.deploymentId ?? derivedDeploymentId('canary', canary.version, canary.startedAt);

  if (cmp.worse.length) {
    const reason = `canary ${canary.version} is significantly worse than ${cur.version} on ${cmp.worse.join(', ')} after ${elapsedHours} h (${cmp.candidate.scored} vs ${cmp.baseline.scored} scored sessions): ${numbers}`;
    if (!d.rollbackEnabled) return { ...base, verdict: 'hold', reason: `${reason}; deployment.rollbackEnabled is off: left for a human (retrain rollback)`, comparison: cmp };
    const res = await rollback(ports, config, { to: cur.version, actor, deploymentId: `${judged}_rollback`, metrics, reason, recordConflict: false, expectedGeneration: generation, log });
    return { ...base, verdict: 'rollback', reason, comparison: cmp, result: res };
  }
  if (elapsedHours < d.monitoringHours) {
    return { ...base, verdict: 'wait', reason: `${elapsedHours} h of ${d.monitoringHours} h watched, not significantly worse so far (${cmp.candidate.scored} scored canary sessions): ${numbers}`, comparison: cmp };
  }
  if (cmp.candidate.scored < d.minCanarySessions) {
    return { ...base, verdict: 'wait', reason: `${cmp.candidate.scored} scored canary sessions < minCanarySessions ${d.minCanarySessions}; waiting for more`, comparison: cmp };
  }
  const reason = `canary ${canary.version} promoted: not significantly worse than ${cur.version} on any class target after ${elapsedHours} h (${cmp.candidate.scored} vs ${cmp.baseline.scored} scored sessions): ${numbers}`;
  const id = `${judged}_promote`;
  const startRecord = canary.deploymentId ? await getDeployment(ports, config, canary.deploymentId) : null;
  const next: CurrentPointer = { version: canary.version, previousVersion: cur.version, updatedAt: now.toISOString(), runId: startRecord?.runId ?? null, reason, canary: null, deploymentId: id };
  const res = await commitChange(ports, config, {
    registry: new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix),
    expectedGeneration: generation,
    next,
    draft: { deploymentId: id, action: 'promote', strategy: 'canary', fromVersion: cur.version, toVersion: canary.version, percentage: 100, actor, runId: startRecord?.runId ?? null, reason, metrics, reportPath: null, outcome: 'promoted' },
    recordConflict: false,
    log,
    after: () => settleDeployment(ports, config, canary.deploymentId, 'promoted'),
  });
  return { ...base, verdict: 'promote', reason, comparison: cmp, result: res };
}

async function judgePromotion(ports: WatchPorts, config: RetrainingConfig, cur: CurrentPointer, generation: string, now: Date, actor: Actor, log: PipelineLogger, read: LiveRead): Promise<WatchDecision | null> {
  const rec = cur.deploymentId ? await getDeployment(ports, config, cur.deploymentId) : null;
  if (!rec || !rec.fromVersion || rec.toVersion !== cur.version || rec.fromVersion === cur.version) return null;
  if (!((rec.action === 'deploy' && rec.outcome === 'applied') || (rec.action === 'promote' && rec.outcome === 'promoted'))) return null;
  const d = config.deployment;
  const since = new Date(rec.createdAt);
  const elapsedHours = hours(now.getTime() - since.getTime());
  const base = { kind: 'promotion' as const, version: cur.version, baselineVersion: rec.fromVersion, elapsedHours, result: null };
  if (elapsedHours >= d.monitoringHours) return { ...base, verdict: 'final', reason: `deployed ${elapsedHours} h ago: past its ${d.monitoringHours} h watch`, comparison: null };
  if (now <= since) return { ...base, verdict: 'watching', reason: 'deployed after this time', comparison: null };
  const beforeStart = new Date(since.getTime() - d.monitoringHours * HOUR_MS);
  const both = await refreshLive(ports, config, { start: beforeStart, end: now }, read);
  const after = await liveMetrics(ports, config, { start: since, end: now, versions: [cur.version], ...both });
  const before = await liveMetrics(ports, config, { start: beforeStart, end: since, versions: [rec.fromVersion], ...both });
  // Every session each version served (a promoted canary served its predecessor's window partly as `canary`).
  const cmp = compareLive(before.groups, after.groups, after.level);
  const numbers = describeComparison(cmp);
  if (!cmp.worse.length) return { ...base, verdict: 'watching', reason: `${elapsedHours} h of ${d.monitoringHours} h after deployment, not significantly below ${rec.fromVersion}: ${numbers}`, comparison: cmp };
  const reason = `${cur.version} is significantly below its predecessor ${rec.fromVersion} on ${cmp.worse.join(', ')} ${elapsedHours} h after deployment (${cmp.candidate.scored} sessions since vs ${cmp.baseline.scored} in the ${d.monitoringHours} h before): ${numbers}`;
  if (!d.rollbackEnabled) return { ...base, verdict: 'hold', reason: `${reason}; deployment.rollbackEnabled is off: left for a human (retrain rollback)`, comparison: cmp };
  const metrics = { windowAfter: after.window, windowBefore: before.window, elapsedHours, monitoringHours: d.monitoringHours, live: summary(cmp) };
  const res = await rollback(ports, config, { to: rec.fromVersion, actor, deploymentId: `${rec.deploymentId}_rollback`, metrics, reason, recordConflict: false, expectedGeneration: generation, log });
  return { ...base, verdict: 'rollback', reason, comparison: cmp, result: res };
}
