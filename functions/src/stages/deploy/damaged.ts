/**
 * What the serving path does when a version it was told to serve fails verification: it serves
 * around it at once (serving/model-server.ts) and calls this, which makes the fallback the
 * serving state for everyone — a rollback record with the reason `damaged` and the problems,
 * written by one compare-and-swap so that of many instances noticing at once exactly one records
 * it (the id derives from the state's generation). A failure that may pass (network) and a
 * fallback to the default stylesheet (nothing verified left) are logged only.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { ModelRegistry, type CurrentPointer } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import type { FallbackEvent } from '../../serving/model-server.ts';
import type { PipelineLogger } from '../../shared/logger.ts';
import { commitChange, type DeploymentResult } from './commit.ts';
import type { Actor } from './deployment-record.ts';
import { derivedDeploymentId, settleDeployment } from './deployment-store.ts';

/** Log a fallback and, for a damaged version with a verified replacement, record it as a rollback. */
export async function recordFallback(ports: Pick<Ports, 'artifacts' | 'records' | 'clock'>, config: RetrainingConfig, event: FallbackEvent, actor: Actor, log: PipelineLogger): Promise<DeploymentResult | null> {
  log.servingFallback({ version: event.version, role: event.role, servedInstead: event.servedInstead, problem: event.problem, damaged: event.damaged, generation: event.generation });
  if (!event.damaged || !event.servedInstead) return null;
  const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
  const state = event.state;
  const id = derivedDeploymentId('dmg', event.version, event.role, event.generation);
  const reason = `damaged: ${event.role} version ${event.version} fails verification (${event.problem}); serving ${event.servedInstead}`;
  const next: CurrentPointer =
    event.role === 'canary'
      ? { ...state, canary: null, updatedAt: ports.clock.now().toISOString(), reason, deploymentId: id }
      : { version: event.servedInstead, previousVersion: state.version, canary: null, updatedAt: ports.clock.now().toISOString(), runId: null, reason, deploymentId: id };
  const undone = event.role === 'canary' ? state.canary?.deploymentId : state.deploymentId;
  return await commitChange(ports, config, {
    registry,
    expectedGeneration: event.generation,
    next,
    draft: {
      deploymentId: id,
      action: 'rollback',
      strategy: null,
      fromVersion: event.version,
      toVersion: event.role === 'canary' ? state.version : event.servedInstead,
      percentage: 100,
      actor,
      runId: null,
      reason,
      metrics: { damaged: event.version, problem: event.problem },
      reportPath: null,
      outcome: 'rolled_back',
    },
    recordConflict: false,
    log,
    after: () => settleDeployment(ports, config, undone, 'rolled_back'),
  });
}
