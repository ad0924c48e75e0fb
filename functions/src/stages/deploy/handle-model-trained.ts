/**
 * What the deployer function does with one `model-trained` message — the original pipeline's
 * stage 7: when `deployment.autoDeploy` is on, a successfully trained version is deployed with
 * `deployment.strategy` (the `safe` gate injected by the caller); otherwise the result is
 * `{ status: skipped, reason: auto-deployment disabled }`. The deployment id is the run's
 * (`dep_<runId>`), so a redelivered message returns the first outcome and never deploys twice.
 * The message is parsed here, once (this handler is the deployer's edge). Errors: a bad message
 * is logged and acknowledged; only transient errors are thrown, so that Pub/Sub redelivers.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { describeError, isTransient } from '../../shared/errors.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { ModelTrainedSchema } from '../../shared/messages.ts';
import { receiveMessage } from '../../shared/receive-message.ts';
import type { DeploymentResult } from './commit.ts';
import { deploy } from './deploy.ts';
import { runDeploymentId } from './deployment-store.ts';
import type { SafetyGate } from './gate.ts';

/** Options of the handler. */
export interface HandleModelTrainedOptions {
  /** The `safe` strategy's gate (default: the interim integrity gate). */
  gate?: SafetyGate;
  log?: PipelineLogger;
}

/** The deployment step's result, in the original pipeline's terms. */
export type DeployStepOutcome =
  | { status: 'skipped'; reason: string; runId?: string; version?: string | null }
  | { status: 'rejected'; reason: string }
  | { status: 'failed'; reason: string; runId: string }
  | ({ status: 'deployed'; runId: string; version: string } & DeploymentResult);

/** Handle one `model-trained` message; throws only transient errors. */
export async function handleModelTrained(ports: Pick<Ports, 'artifacts' | 'records' | 'clock'>, config: RetrainingConfig, message: unknown, opts: HandleModelTrainedOptions = {}): Promise<DeployStepOutcome> {
  const log = opts.log ?? createLogger(silentSink);
  const received = receiveMessage(ModelTrainedSchema, message, { name: 'model-trained message', stage: 'deploy', log });
  if (!received.ok) return { status: 'rejected', reason: received.error.message };
  const msg = received.message;
  if (msg.status !== 'success' || !msg.version) {
    const reason = `training ended ${msg.status}${msg.reason ? ` (${msg.reason})` : ''}: nothing to deploy`;
    log.info('deploy', reason, { runId: msg.runId });
    return { status: 'skipped', reason, runId: msg.runId, version: msg.version };
  }
  if (!config.deployment.autoDeploy) {
    log.info('deploy', `auto-deployment disabled: ${msg.version} waits for \`retrain deploy\``, { runId: msg.runId, version: msg.version });
    return { status: 'skipped', reason: 'auto-deployment disabled', runId: msg.runId, version: msg.version };
  }
  try {
    const res = await deploy(ports, config, {
      version: msg.version,
      actor: { kind: 'run', id: msg.runId },
      runId: msg.runId,
      deploymentId: runDeploymentId(msg.runId),
      gate: opts.gate,
      log,
    });
    return { status: 'deployed', runId: msg.runId, version: msg.version, ...res };
  } catch (err) {
    if (isTransient(err)) throw err;
    log.stageFailed('deploy', err, { runId: msg.runId, version: msg.version });
    return { status: 'failed', reason: describeError(err), runId: msg.runId };
  }
}
