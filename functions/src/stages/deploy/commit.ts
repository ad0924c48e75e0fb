/**
 * How every change of the serving state happens: one compare-and-swap write of
 * `models/current.json` on the generation the decision was made on, then its deployment record.
 * Of two writers that decided on the same state exactly one wins; the loser writes nothing to the
 * state and is told (`conflict`, recorded when the caller wants the attempt on the history).
 * The state names its record (`deploymentId`), so a writer that died between the two writes is
 * completed by its replay (see `completeRecord`).
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { CurrentPointer, ModelRegistry } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { ConflictError } from '../../shared/errors.ts';
import type { PipelineLogger } from '../../shared/logger.ts';
import type { DeploymentOutcome, DeploymentRecord } from './deployment-record.ts';
import { createDeployment, type DeploymentDraft } from './deployment-store.ts';

/** What a deployment, rollback or verdict did. */
export interface DeploymentResult {
  /** The record's outcome; `unchanged`: the state already was as asked (nothing written). */
  outcome: DeploymentOutcome | 'unchanged';
  deploymentId: string | null;
  record: DeploymentRecord | null;
  /** The serving state after the call (as written, or as found). */
  state: CurrentPointer | null;
  reason: string;
  /** True when the record existed already (a redelivered request): nothing was done again. */
  replayed: boolean;
}

/** Options of `commitChange`. */
export interface CommitOptions {
  registry: ModelRegistry;
  /** The generation the decision was made on (null: there was no state). */
  expectedGeneration: string | null;
  /** The next state (null: a refusal, only the record is written). */
  next: CurrentPointer | null;
  draft: DeploymentDraft;
  /** Also record a lost race as a `conflict` record (deployers); the watcher only reports it. */
  recordConflict: boolean;
  log: PipelineLogger;
  /** Run after the state was written and recorded (settle earlier records). */
  after?: () => Promise<void>;
}

function logRecord(log: PipelineLogger, r: DeploymentRecord): void {
  log.deployment({ deploymentId: r.deploymentId, action: r.action, outcome: r.outcome, fromVersion: r.fromVersion, toVersion: r.toVersion, reason: r.reason, strategy: r.strategy, percentage: r.percentage, actor: r.actor, ...(r.runId ? { runId: r.runId } : {}), metrics: r.metrics });
}

/** Write the state (compare-and-swap) and its record; a lost race writes no state. */
export async function commitChange(ports: Pick<Ports, 'records' | 'clock'>, config: RetrainingConfig, opts: CommitOptions): Promise<DeploymentResult> {
  const { draft, log } = opts;
  if (opts.next) {
    try {
      await opts.registry.writeServingState(opts.next, opts.expectedGeneration);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const current = (await opts.registry.readServingState()).pointer;
      if (current?.deploymentId === draft.deploymentId) {
        // The same deployment won in another delivery of its message (Pub/Sub may deliver one twice
        // at once): its outcome is this one's, never a conflict recorded under its id. Both
        // deliveries decided alike, so whichever records first records the same draft.
        const { record, created } = await createDeployment(ports, config, draft);
        if (created) logRecord(log, record);
        return { outcome: record.outcome, deploymentId: record.deploymentId, record, state: current, reason: record.reason, replayed: true };
      }
      const reason = `${draft.reason} — not applied: the serving state changed meanwhile (another deployment won)`;
      if (!opts.recordConflict) return { outcome: 'conflict', deploymentId: null, record: null, state: current, reason, replayed: false };
      const { record } = await createDeployment(ports, config, { ...draft, outcome: 'conflict', percentage: 0, reason });
      logRecord(log, record);
      return { outcome: 'conflict', deploymentId: record.deploymentId, record, state: current, reason, replayed: false };
    }
  }
  const { record, created } = await createDeployment(ports, config, draft);
  if (created) logRecord(log, record);
  await opts.after?.();
  return { outcome: record.outcome, deploymentId: record.deploymentId, record, state: opts.next ?? (await opts.registry.readServingState()).pointer, reason: record.reason, replayed: !created };
}

/**
 * The record of a state that names a deployment whose record is missing (its writer died between
 * the two writes): rebuilt from the state, so the history has no hole.
 */
export async function completeRecord(ports: Pick<Ports, 'records' | 'clock'>, config: RetrainingConfig, state: CurrentPointer, base: Pick<DeploymentDraft, 'actor' | 'runId' | 'strategy'>, log: PipelineLogger): Promise<DeploymentResult> {
  const id = state.deploymentId!;
  const canary = state.canary?.deploymentId === id ? state.canary : null;
  const draft: DeploymentDraft = {
    deploymentId: id,
    action: canary ? 'canary_start' : 'deploy',
    strategy: base.strategy,
    fromVersion: canary ? state.version : state.previousVersion,
    toVersion: canary ? canary.version : state.version,
    percentage: canary ? canary.percentage : 100,
    actor: base.actor,
    runId: base.runId,
    reason: `${state.reason} (record completed from the serving state)`,
    metrics: {},
    reportPath: null,
    outcome: canary ? 'canary' : 'applied',
  };
  const { record, created } = await createDeployment(ports, config, draft);
  if (created) logRecord(log, record);
  return { outcome: record.outcome, deploymentId: id, record, state, reason: record.reason, replayed: true };
}
