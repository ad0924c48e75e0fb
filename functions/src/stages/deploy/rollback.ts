/**
 * Rollback in one call: end a running canary (everyone back on the stable version), or go back
 * to the previous stable version, or to any version named with `to` — one compare-and-swap
 * write and a record. The target must verify: a damaged version is refused, never served. Works
 * when `current.json` itself is unreadable (its generation is still known), which is how a
 * damaged serving state is repaired: `retrain rollback --to <good version>`.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { ModelRegistry, type CurrentPointer } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { DataError } from '../../shared/errors.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { commitChange, type DeploymentResult } from './commit.ts';
import type { Actor } from './deployment-record.ts';
import { getDeployment, newDeploymentId, settleDeployment, type DeploymentDraft } from './deployment-store.ts';
import { checkServable } from './servable.ts';

/** Where to roll back to, and on whose behalf. */
export interface RollbackRequest {
  /** Target version; default: the stable version when a canary runs, else the previous stable version. */
  to?: string;
  reason?: string;
  actor: Actor;
  /** Fixed id (the watcher derives one per verdict); default: a fresh id. */
  deploymentId?: string;
  /** The numbers the rollback was decided on (the watcher's live metrics). */
  metrics?: Record<string, unknown>;
  /** Record a lost race as a `conflict` record (default true; the watcher only reports it). */
  recordConflict?: boolean;
  /** Only if the state is still at this generation (the watcher's decision); default: as read now. */
  expectedGeneration?: string | null;
  log?: PipelineLogger;
}

/** The default target of a rollback from a state. */
export function rollbackTarget(cur: CurrentPointer | null): string | null {
  if (!cur) return null;
  return cur.canary ? cur.version : cur.previousVersion;
}

/** Roll back; a damaged target is refused (outcome `rejected`), a lost race is a `conflict`. */
export async function rollback(ports: Pick<Ports, 'artifacts' | 'records' | 'clock'>, config: RetrainingConfig, req: RollbackRequest): Promise<DeploymentResult> {
  const log = req.log ?? createLogger(silentSink);
  const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
  const now = ports.clock.now();
  const id = req.deploymentId ?? newDeploymentId(now);
  const earlier = await getDeployment(ports, config, id);
  if (earlier) return { outcome: earlier.outcome, deploymentId: id, record: earlier, state: (await registry.readServingState()).pointer, reason: earlier.reason, replayed: true };

  const read = await registry.readServingState();
  const cur = read.pointer;
  const target = req.to ?? rollbackTarget(cur);
  if (!target) {
    const why = read.problem ? `current.json is unreadable (${read.problem})` : cur ? `${cur.version} has no previous version` : 'no version serves yet';
    throw new DataError(`Nothing to roll back to: ${why}; name a version with --to`, { stage: 'deploy', code: 'NO_ROLLBACK_TARGET', details: { problem: read.problem } });
  }
  const fromVersion = cur ? (cur.canary && target === cur.version ? cur.canary.version : cur.version) : null;
  const draft: DeploymentDraft = {
    deploymentId: id,
    action: 'rollback',
    strategy: null,
    fromVersion,
    toVersion: target,
    percentage: 100,
    actor: req.actor,
    runId: null,
    reason: req.reason ?? (cur?.canary && target === cur.version ? `canary of ${cur.canary.version} ended: everyone back on ${target}` : `rolled back from ${fromVersion ?? '(unreadable state)'} to ${target}`),
    metrics: req.metrics ?? {},
    reportPath: null,
    outcome: 'rolled_back',
  };
  const expectedGeneration = req.expectedGeneration === undefined ? read.generation : req.expectedGeneration;
  const commit = (next: CurrentPointer | null, d: DeploymentDraft, after?: () => Promise<void>) =>
    commitChange(ports, config, { registry, expectedGeneration, next, draft: d, recordConflict: req.recordConflict ?? true, log, after });

  const servable = await checkServable(registry, target);
  if (!servable.ok) {
    return await commit(null, { ...draft, action: 'reject', outcome: 'rejected', percentage: 0, metrics: { ...draft.metrics, problems: servable.problems }, reason: `rollback to ${target} refused: it fails verification (${servable.problems.join('; ')})` });
  }
  if (cur && !read.problem && cur.version === target && !cur.canary) {
    return { outcome: 'unchanged', deploymentId: null, record: null, state: cur, reason: `${target} already serves everyone`, replayed: false };
  }
  const reason = read.problem ? `${draft.reason} (current.json was unreadable: ${read.problem})` : draft.reason;
  const next: CurrentPointer = {
    version: target,
    previousVersion: cur ? (cur.version === target ? cur.previousVersion : cur.version) : null,
    updatedAt: now.toISOString(),
    runId: null,
    reason,
    canary: null,
    deploymentId: id,
  };
  // The deployment being undone: the canary, or the stable version's own deployment.
  const undone = cur?.canary ? cur.canary.deploymentId : cur?.deploymentId;
  return await commit(next, { ...draft, reason }, () => settleDeployment(ports, config, undone, 'rolled_back'));
}
