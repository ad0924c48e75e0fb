/**
 * The deploy stage: put a version in front of users by one of three strategies
 * (`deployment.strategy`, or the caller's) — `immediate` switches everyone at once, `safe`
 * switches only when the safety gate passes, `canary` serves it to `deployment.canaryPercentage`
 * % of users (a sticky hash) until the canary watcher promotes or rolls it back. A version that
 * fails verification or cannot be served is refused whatever the strategy. Every change is one
 * compare-and-swap write plus a deployment record; a deployment id given by the caller (one per
 * pipeline run) makes a replay return the first outcome instead of deploying twice. A pipeline
 * run never replaces what a run requested after it put in place: a `model-trained` delayed or
 * redelivered behind a newer run's is refused as superseded, never rolling users back.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { ModelRegistry, type CurrentPointer } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { getRun } from '../../runs/run-record.ts';
import { canarySalt } from '../../serving/assignment.ts';
import { ConfigError } from '../../shared/errors.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { commitChange, completeRecord, type DeploymentResult } from './commit.ts';
import type { Actor } from './deployment-record.ts';
import { getDeployment, newDeploymentId, settleDeployment, type DeploymentDraft } from './deployment-store.ts';
import { integrityGate, type SafetyGate } from './gate.ts';
import { checkServable } from './servable.ts';

/** How a version reaches users. */
export type DeploymentStrategy = RetrainingConfig['deployment']['strategy'];

/** What to deploy, how, and on whose behalf. */
export interface DeployRequest {
  version: string;
  /** Default `deployment.strategy`. */
  strategy?: DeploymentStrategy;
  /** Canary share in percent; default `deployment.canaryPercentage`. */
  percentage?: number;
  reason?: string;
  actor: Actor;
  runId?: string | null;
  /** Fixed id (one per pipeline run): a replay finds the first outcome. Default: a fresh id. */
  deploymentId?: string;
  /** The `safe` strategy's gate; default `integrityGate`. */
  gate?: SafetyGate;
  log?: PipelineLogger;
}

/**
 * The run whose deployment serves now, when it was requested after `runId` (so `runId`'s version is
 * older news), else null. Only pipeline runs are ordered so; a person's deployment is not.
 */
async function laterRun(ports: Pick<Ports, 'records'>, config: RetrainingConfig, servingRunId: string | null | undefined, runId: string | null | undefined): Promise<string | null> {
  if (!servingRunId || !runId || servingRunId === runId) return null;
  const runs = { collection: config.pipeline.collections.runs };
  const [serving, mine] = await Promise.all([getRun(ports, servingRunId, runs), getRun(ports, runId, runs)]);
  return serving && mine && Date.parse(serving.createdAt) > Date.parse(mine.createdAt) ? servingRunId : null;
}

/** Deploy a version; never throws for a refusal or a lost race (see the result's outcome). */
export async function deploy(ports: Pick<Ports, 'artifacts' | 'records' | 'clock'>, config: RetrainingConfig, req: DeployRequest): Promise<DeploymentResult> {
  const log = req.log ?? createLogger(silentSink);
  const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
  const now = ports.clock.now();
  const id = req.deploymentId ?? newDeploymentId(now);
  const strategy = req.strategy ?? config.deployment.strategy;
  const percentage = req.percentage ?? config.deployment.canaryPercentage;
  if (!(percentage > 0 && percentage < 100)) throw new ConfigError(`canary percentage must be between 0 and 100 (exclusive), got ${percentage}`, { percentage });

  const earlier = await getDeployment(ports, config, id);
  if (earlier) return { outcome: earlier.outcome, deploymentId: id, record: earlier, state: (await registry.readServingState()).pointer, reason: earlier.reason, replayed: true };
  const read = await registry.readServingState();
  const cur = read.pointer;
  if (cur?.deploymentId === id) return await completeRecord(ports, config, cur, { actor: req.actor, runId: req.runId ?? null, strategy }, log);

  const draft: DeploymentDraft = {
    deploymentId: id,
    action: 'deploy',
    strategy,
    fromVersion: cur?.version ?? null,
    toVersion: req.version,
    percentage: 100,
    actor: req.actor,
    runId: req.runId ?? null,
    reason: req.reason ?? '',
    metrics: {},
    reportPath: null,
    outcome: 'applied',
  };
  const commit = (next: CurrentPointer | null, d: DeploymentDraft, after?: () => Promise<void>) =>
    commitChange(ports, config, { registry, expectedGeneration: read.generation, next, draft: d, recordConflict: true, log, after });
  const refuse = (why: string, extra: Partial<DeploymentDraft> = {}) =>
    commit(null, { ...draft, ...extra, action: 'reject', outcome: 'rejected', percentage: 0, reason: req.reason ? `${req.reason} — refused: ${why}` : `refused: ${why}` });

  const later = req.actor.kind === 'run' ? await laterRun(ports, config, cur?.runId, req.runId) : null;
  if (later) return await refuse(`superseded: run ${later}, requested after run ${req.runId}, was deployed first (${cur!.canary?.version ?? cur!.version} serves)`);

  const servable = await checkServable(registry, req.version);
  if (!servable.ok) return await refuse(`${req.version} cannot be served: ${servable.problems.join('; ')}`, { metrics: { problems: servable.problems } });

  if (strategy === 'safe') {
    const gate = await (req.gate ?? integrityGate(ports, config))(req.version, cur?.version ?? null);
    draft.metrics = { gate: gate.metrics, gateReasons: gate.reasons };
    draft.reportPath = gate.reportPath;
    if (!gate.passed) return await refuse(`the safety gate did not pass: ${gate.reasons.join('; ')}`);
    draft.reason ||= `safety gate passed: ${gate.reasons.join('; ')}`;
  }

  const base = { updatedAt: now.toISOString(), runId: req.runId ?? null, deploymentId: id };
  if (cur && cur.version === req.version) {
    if (cur.canary) {
      // Deploying the stable version again ends the canary: everyone back on it.
      const reason = draft.reason || `${req.version} for everyone: the canary of ${cur.canary.version} ends`;
      const next = { ...cur, ...base, canary: null, reason };
      return await commit(next, { ...draft, action: 'rollback', fromVersion: cur.canary.version, outcome: 'rolled_back', reason }, () => settleDeployment(ports, config, cur.canary!.deploymentId, 'rolled_back'));
    }
    if (cur.deploymentId) return { outcome: 'unchanged', deploymentId: null, record: null, state: cur, reason: `${req.version} already serves everyone (deployment ${cur.deploymentId})`, replayed: false };
    // Made current by its training run before deployments were recorded: record it now.
    const reason = draft.reason || `${req.version} already serves everyone (made current by run ${cur.runId ?? 'unknown'}); deployment recorded`;
    return await commit({ ...cur, ...base, runId: cur.runId, reason }, { ...draft, fromVersion: cur.previousVersion, reason });
  }

  if (strategy === 'canary' && cur && !read.problem) {
    if (cur.canary?.version === req.version) {
      // Same canary, new share: same salt and start, so only users at the margin move.
      const reason = draft.reason || `canary of ${req.version} from ${cur.canary.percentage} % to ${percentage} %`;
      const next = { ...cur, ...base, canary: { ...cur.canary, percentage }, reason };
      return await commit(next, { ...draft, action: 'canary_start', percentage, outcome: 'canary', reason });
    }
    const replaced = cur.canary;
    const reason = draft.reason || `canary: ${req.version} for ${percentage} % of users, watched for ${config.deployment.monitoringHours} h${replaced ? ` (replaces the canary of ${replaced.version})` : ''}`;
    const next: CurrentPointer = { ...cur, ...base, canary: { version: req.version, percentage, startedAt: now.toISOString(), salt: canarySalt(id), deploymentId: id }, reason };
    return await commit(next, { ...draft, action: 'canary_start', percentage, outcome: 'canary', reason }, () => settleDeployment(ports, config, replaced?.deploymentId, 'rolled_back'));
  }

  // immediate, safe (passed), or a canary with no stable version to compare it with.
  const promoting = cur?.canary?.version === req.version ? cur.canary : null;
  const how = strategy === 'canary' ? 'no readable stable version to run a canary against: deployed to everyone' : strategy === 'safe' ? 'deployed after the safety gate' : 'deployed immediately';
  const reason = draft.reason || (promoting ? `canary of ${req.version} promoted by hand` : how);
  const next: CurrentPointer = { version: req.version, previousVersion: cur?.version ?? null, canary: null, reason, ...base };
  return await commit(
    next,
    { ...draft, action: promoting ? 'promote' : 'deploy', outcome: promoting ? 'promoted' : 'applied', reason: read.problem ? `${reason} (current.json was unreadable: ${read.problem})` : reason },
    () => settleDeployment(ports, config, cur?.canary?.deploymentId, promoting ? 'promoted' : 'rolled_back'),
  );
}
