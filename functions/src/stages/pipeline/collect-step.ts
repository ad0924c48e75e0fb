/**
 * The collector's work under the run record: the `collect` stage runs the collection handler
 * (dataset, validation report, metadata, `dataset-ready`), then the `validate` stage records the
 * dataset's verdict — `abort` fails the run for good (bad data is not retried), `warn` goes on
 * with its reasons. A redelivered request for a collected run does nothing; a run that failed
 * for good leaves no half-written dataset behind. The message is parsed here, once (the edge);
 * the handler receives it typed.
 */
import { configHash } from '../../config/load.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { DataError } from '../../shared/errors.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { RetrainRequestSchema, type DatasetReady } from '../../shared/messages.ts';
import { receiveMessage } from '../../shared/receive-message.ts';
import { handleRetrainRequest } from '../collect/handle-retrain-request.ts';
import { cleanupIncompleteDataset } from './cleanup.ts';
import { getRun, markStage, type RunRecord } from '../../runs/run-record.ts';
import { runStage, type StageOutcome } from '../../runs/run-stage.ts';

/** The collection handler's signature (injectable, so tests can make it crash mid-way). */
export type CollectHandler = typeof handleRetrainRequest;

/** Options of the collect step. */
export interface CollectStepOptions {
  log?: PipelineLogger;
  handler?: CollectHandler;
}

/**
 * Record the dataset's verdict as the `validate` stage: abort fails the run (a DataError with code
 * VALIDATION_ABORT), anything else succeeds with its reasons. Idempotent: a recorded verdict stays.
 */
export async function recordVerdict(ports: Ports, config: RetrainingConfig, ready: DatasetReady, log: PipelineLogger): Promise<RunRecord | null> {
  const runs = { collection: config.pipeline.collections.runs };
  const run = await getRun(ports, ready.runId, runs);
  const done = run?.stages.validate;
  if (done && done.status !== 'running' && done.status !== 'retrying') return run;
  const details = { verdict: ready.verdict, reasons: ready.reasons, rows: ready.rows, outputs: { verdict: ready.verdict } };
  if (ready.verdict === 'abort') {
    const error = new DataError(`Dataset of run ${ready.runId} failed validation: ${ready.reasons.join('; ') || 'verdict abort'}`, {
      stage: 'validate',
      code: 'VALIDATION_ABORT',
      details: { reasons: ready.reasons, metadataPath: ready.metadataPath },
    });
    log.stageFailed('validate', error, { runId: ready.runId, counts: { rows: ready.rows } });
    return await markStage(ports, ready.runId, 'validate', 'failed', { ...details, error }, runs);
  }
  if (ready.verdict === 'warn') log.warning('validate', `dataset of run ${ready.runId}: ${ready.reasons.join('; ')}`, { runId: ready.runId });
  log.stageCompleted('validate', 0, { runId: ready.runId, verdict: ready.verdict, counts: { rows: ready.rows } });
  return await markStage(ports, ready.runId, 'validate', 'succeeded', details, runs);
}

/** Handle one `retrain-requests` message; throws only transient errors. */
export async function collectStep(ports: Ports, config: RetrainingConfig, message: unknown, opts: CollectStepOptions = {}): Promise<StageOutcome<DatasetReady> | null> {
  const log = opts.log ?? createLogger(silentSink);
  const handler = opts.handler ?? handleRetrainRequest;
  const hash = configHash(config);
  // A message that fails its schema has no run to record it on: logged and acknowledged.
  const received = receiveMessage(RetrainRequestSchema, message, { name: 'retrain request', stage: 'collect', log });
  if (!received.ok) return null;
  const req = received.message;
  const runId = req.runId;
  const outcome = await runStage(
    ports,
    runId,
    'collect',
    async () => {
      const res = await handler(ports, config, req, { configHash: hash, log });
      if (!('ready' in res)) throw res.error;
      const { ready } = res;
      return {
        value: ready,
        outputs: { csvPath: ready.csvPath, metadataPath: ready.metadataPath, rows: ready.rows },
        details: { reused: res.status === 'reused', messageId: res.messageId, counts: { rows: ready.rows } },
      };
    },
    {
      collection: config.pipeline.collections.runs,
      log,
      // The collection handler logs its own started/completed/failed events.
      logStageEvents: false,
      cleanup: async () => void (await cleanupIncompleteDataset(ports.artifacts, config, runId)),
    },
  );
  if (outcome.kind === 'completed') await recordVerdict(ports, config, outcome.value, log);
  // A redelivered request of a collected run announces the same dataset again (the handler only
  // reuses the complete dataset, never rewrites it), so a lost `dataset-ready` heals itself; the
  // trainer is idempotent per run.
  if (outcome.kind === 'already_completed') await handler(ports, config, req, { configHash: hash, log });
  return outcome;
}
