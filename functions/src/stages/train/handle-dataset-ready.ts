/**
 * What the trainer function does with one `dataset-ready` message, as a plain function of the
 * ports (the trigger only wires it): pick the strategy, retrain, publish `model-trained`.
 *
 * Strategy `auto`: incremental when a current version exists and was trained on the same
 * feature set, else full (also for `incremental` when nothing serves yet). From a message the
 * full retrain searches hyperparameters when `strategies.full.hyperparameterTuning` is on and
 * compares with the current version; only the very first version is made current here —
 * moving the pointer later is the deploy stage's decision.
 *
 * The message arrives parsed (stages/pipeline/train-step.ts is the edge). Redelivery: the `train`
 * stage of the run record is claimed first (a completed stage republishes its recorded message, a
 * run that ended is left alone), and the version name is bound to the run id
 * (runs/version-binding.ts), so a replay writes the same single version, never a second one.
 * Errors: a permanent failure is logged, recorded and acknowledged (a `failed` message is
 * published); only transient errors are thrown, so that Pub/Sub redelivers.
 */
import { configHash as hashConfig } from '../../config/load.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import { FEATURE_COLUMNS } from '../../data/features.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';
import { ConflictError, DataError, describeError, NotFoundError, TransientError } from '../../shared/errors.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { ModelTrainedSchema, type DatasetReady, type ModelTrained } from '../../shared/messages.ts';
import { finishRun } from '../../runs/run-record.ts';
import { runStage } from '../../runs/run-stage.ts';
import { readBinding, recordTrainingResult } from '../../runs/version-binding.ts';
import { runFullRetrain, type TrainOutcome } from './full.ts';
import { runIncrementalRetrain } from './incremental.ts';
import { validateVersion, type VersionValidation } from '../validate-model/validate-version.ts';
import { flatMetrics } from './metrics.ts';
import { cleanupIncompleteVersion } from './write-version.ts';

/** Options of the handler. */
export interface HandleDatasetReadyOptions {
  log?: PipelineLogger;
  /** Hash of the effective config (default: computed from `config`). */
  configHash?: string;
  /** Worker threads (default `training.workers`). */
  workers?: number;
}

/** What happened to the message. */
export type DatasetReadyOutcome =
  | { status: 'published' | 'republished'; message: ModelTrained; messageId: string }
  | { status: 'ignored'; reason: string };

/** `auto` → incremental when a compatible current version exists, else full. */
export async function resolveStrategy(registry: ModelRegistry, requested: DatasetReady['strategy']): Promise<'incremental' | 'full'> {
  if (requested === 'full') return 'full';
  const current = await registry.current();
  if (!current) return 'full';
  try {
    const m = await registry.manifest(current.pointer.version);
    return JSON.stringify(m.features) === JSON.stringify(FEATURE_COLUMNS) ? 'incremental' : 'full';
  } catch (err) {
    if (err instanceof NotFoundError) return 'full';
    throw err;
  }
}

/** The `model-trained` message of a finished retrain. */
export function modelTrainedOf(runId: string, outcome: TrainOutcome): ModelTrained {
  const metrics = outcome.manifest ? flatMetrics(outcome.manifest.metrics) : {};
  const v = outcome.validation_results;
  if (v && 'improvement' in v) metrics.improvement = v.improvement;
  if (v && 'comparison' in v && v.comparison) metrics.improvement = v.comparison.improvement;
  const reason = outcome.reason ?? (v && 'reason' in v ? v.reason : undefined);
  return ModelTrainedSchema.parse({ runId, status: outcome.status, version: outcome.model_version, strategy: outcome.strategy, metrics, ...(reason ? { reason } : {}) });
}

/** The message of a run whose version is complete (an earlier delivery died before recording it). */
async function resumeCompleted(registry: ModelRegistry, runId: string, version: string, at: Date): Promise<ModelTrained> {
  const m = await registry.manifest(version);
  const metrics = flatMetrics(m.metrics);
  if (m.evaluation?.newData) metrics.improvement = m.evaluation.newData.improvement;
  const msg = ModelTrainedSchema.parse({ runId, status: 'success', version, strategy: m.strategy, metrics });
  await recordTrainingResult(registry.store, registry.layout, runId, version, msg, at);
  return msg;
}

/**
 * The model-validation gate on a trained version (idempotent per version): a failure fails the
 * run with its reasons and keeps the version, marked rejected; a pass makes the very first
 * version current (later moves are the deploy stage's).
 */
async function gate(ports: Ports, config: RetrainingConfig, registry: ModelRegistry, runId: string, msg: ModelTrained, log: PipelineLogger, driftDetected: boolean): Promise<VersionValidation | null> {
  if (msg.status !== 'success' || !msg.version) return null;
  const result = await validateVersion(ports.artifacts, config, { version: msg.version, runId, now: ports.clock.now(), driftDetected });
  const v = result.validation;
  log.info('validate', v.performance_acceptable ? 'model_validated' : 'model_rejected', { runId, version: v.version, comparedWith: v.comparedWith, issues: v.issues.length, warnings: v.warnings.length, reportPath: v.reportPath });
  if (!v.performance_acceptable) {
    throw new DataError(`Model validation failed for ${v.version}: ${v.issues.join('; ')}`, { stage: 'validate', code: 'VALIDATION_FAILED', details: { version: v.version, issues: v.issues, reportPath: v.reportPath } });
  }
  if (!(await registry.current())) {
    await registry.moveCurrent(msg.version, { expectedGeneration: '0', at: ports.clock.now(), runId, reason: 'first version (validated)' }).catch((err) => {
      if (!(err instanceof ConflictError)) throw err;
    });
  }
  return result;
}

/** Handle one (parsed) `dataset-ready` message; throws only transient errors. */
export async function handleDatasetReady(ports: Ports, config: RetrainingConfig, ready: DatasetReady, opts: HandleDatasetReadyOptions = {}): Promise<DatasetReadyOutcome> {
  const log = opts.log ?? createLogger(silentSink);
  const runs = { collection: config.pipeline.collections.runs };
  const topic = config.pipeline.topics.modelTrained;
  const registry = new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix);
  const publish = async (status: 'published' | 'republished', msg: ModelTrained): Promise<DatasetReadyOutcome> => {
    const messageId = await ports.bus.publish(topic, msg);
    log.messagePublished('train', topic, messageId, { runId: ready.runId, status: msg.status, version: msg.version });
    return { status, message: msg, messageId };
  };

  const outcome = await runStage(
    ports,
    ready.runId,
    'train',
    async () => {
      if (ready.verdict === 'abort') {
        const msg = ModelTrainedSchema.parse({ runId: ready.runId, status: 'skipped', version: null, strategy: null, reason: `dataset verdict abort: ${ready.reasons.join('; ')}` });
        return { value: msg, status: 'skipped' as const, details: { modelTrained: msg } };
      }
      if (!(await ports.artifacts.exists(ready.metadataPath))) {
        throw new TransientError(`Dataset of run ${ready.runId} is not complete yet (no ${ready.metadataPath})`, { stage: 'train', details: { metadataPath: ready.metadataPath } });
      }
      const prior = (await readBinding(ports.artifacts, registry.layout, ready.runId))?.binding;
      let msg: ModelTrained;
      if (prior?.result) msg = prior.result;
      else if (prior && (await ports.artifacts.exists(registry.layout.manifest(prior.version)))) {
        // An earlier delivery wrote the version and died before recording the result: reuse it.
        msg = await resumeCompleted(registry, ready.runId, prior.version, ports.clock.now());
      } else {
        const strategy = await resolveStrategy(registry, ready.strategy);
        const common = { dataPath: ready.csvPath, metadataPath: ready.metadataPath, runId: ready.runId, configHash: opts.configHash ?? hashConfig(config), workers: opts.workers };
        const result =
          strategy === 'incremental'
            ? await runIncrementalRetrain(ports, config, { ...common, promote: false, driftDetected: ready.driftDetected })
            : await runFullRetrain(ports, config, { ...common, tune: config.strategies.full.hyperparameterTuning, compareWithCurrent: true, deployIfBetter: false, promoteFirst: false });
        msg = modelTrainedOf(ready.runId, result);
        if (result.model_version) await recordTrainingResult(ports.artifacts, registry.layout, ready.runId, result.model_version, msg, ports.clock.now());
      }
      const checked = await gate(ports, config, registry, ready.runId, msg, log, ready.driftDetected);
      const validation = checked ? { performance_acceptable: checked.validation.performance_acceptable, issues: checked.validation.issues, warnings: checked.validation.warnings, comparedWith: checked.validation.comparedWith, reportPath: checked.validation.reportPath } : null;
      if (checked?.validation.reportPath) msg = ModelTrainedSchema.parse({ ...msg, reportPath: checked.validation.reportPath });
      return {
        value: msg,
        status: msg.status === 'success' ? ('succeeded' as const) : ('skipped' as const),
        outputs: { version: msg.version, strategy: msg.strategy, metrics: msg.metrics, ...(validation?.reportPath ? { reportPath: validation.reportPath } : {}) },
        details: { modelTrained: msg, validation },
      };
    },
    { ...runs, log, cleanup: async () => void (await cleanupIncompleteVersion(ports.artifacts, config.pipeline.layout.modelsPrefix, ready.runId)), fields: { runId: ready.runId } },
  );

  // Publish first, then end the run: a failed publish is retried on redelivery (stage completed).
  const finish = async (msg: ModelTrained) =>
    void (await finishRun(ports, ready.runId, msg.status === 'success' ? 'succeeded' : 'skipped', { outputs: { version: msg.version, strategy: msg.strategy }, reason: msg.reason ?? null }, runs));
  switch (outcome.kind) {
    case 'completed': {
      const published = await publish('published', outcome.value);
      await finish(outcome.value);
      return published;
    }
    case 'already_completed':
    case 'run_ended': {
      // A replay after the work was done: publish the recorded message again (consumers are idempotent per run).
      const stage = outcome.kind === 'already_completed' ? outcome.stage : outcome.run.stages.train;
      const recorded = ModelTrainedSchema.safeParse(stage?.details.modelTrained);
      if (!recorded.success) return { status: 'ignored', reason: `run ${ready.runId} is ${outcome.run.status} without a recorded training` };
      const published = await publish('republished', recorded.data);
      await finish(recorded.data);
      return published;
    }
    case 'failed': {
      const reason = describeError(outcome.error);
      const msg = ModelTrainedSchema.parse({ runId: ready.runId, status: 'failed', version: null, strategy: null, reason });
      return await publish('published', msg);
    }
  }
}
