/**
 * What the collector function does with one `retrain-requests` message, as a plain function of
 * the ports (the trigger only wires it). Layout of a run's dataset:
 *
 *   <datasetsPrefix>/<runId>/production_data.csv              streamed, committed atomically
 *   <datasetsPrefix>/<runId>/production_data_validation.json  validation report
 *   <datasetsPrefix>/<runId>/production_data_metadata.json    written last, write-once
 *
 * Redelivery (Pub/Sub is at least once):
 * - metadata exists → the dataset is complete: nothing is written, the same DatasetReady
 *   (rebuilt from the metadata) is published again — the trainer is idempotent per run.
 * - only a CSV exists (an attempt died before its metadata) → it is replaced, guarded by its
 *   generation so that two concurrent attempts cannot both replace it; the loser gets a conflict,
 *   is retried, and then finds the winner's metadata.
 * - metadata is written with `ifGenerationMatch: '0'` after checking that the CSV is still the one
 *   this attempt wrote, so a completed dataset is never rewritten and never describes another CSV.
 *
 * The message arrives parsed (stages/pipeline/collect-step.ts is the edge). Errors: a permanent
 * failure is logged and acknowledged (returned, for the caller to record on the run); only
 * transient errors are thrown, so that Pub/Sub retries them.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { formatIssues } from '../../shared/format-issues.ts';
import type { Ports } from '../../ports/index.ts';
import { ConflictError, DataError, describeError, isTransient, PipelineError, TransientError } from '../../shared/errors.ts';
import { DatasetReadySchema, type DatasetReady, type RetrainRequest } from '../../shared/messages.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { collect } from './collect.ts';
import { DatasetMetadataSchema, type DatasetMetadata } from './dataset-metadata.ts';
import { artifactTarget, METADATA_SUFFIX, siblingPath } from './dataset-target.ts';

/** File name of a run's dataset CSV. */
export const DATASET_FILE = 'production_data.csv';

/** Bucket-relative paths of a run's dataset. */
export function datasetPaths(config: RetrainingConfig, runId: string): { csvPath: string; metadataPath: string } {
  const csvPath = `${config.pipeline.layout.datasetsPrefix.replace(/\/+$/, '')}/${runId}/${DATASET_FILE}`;
  return { csvPath, metadataPath: siblingPath(csvPath, METADATA_SUFFIX) };
}

/** What happened to the message. */
export type RetrainRequestOutcome =
  | { status: 'published' | 'reused'; ready: DatasetReady; messageId: string }
  | { status: 'failed'; error: PipelineError };

/** Options of the handler. */
export interface HandleRetrainRequestOptions {
  /** Hash of the effective config, recorded in the metadata. */
  configHash: string;
  log?: PipelineLogger;
}

function readyOf(req: RetrainRequest, metadataPath: string, m: DatasetMetadata): DatasetReady {
  return DatasetReadySchema.parse({
    runId: req.runId,
    strategy: req.strategy,
    csvPath: m.csv.path,
    metadataPath,
    rows: m.total_samples,
    verdict: m.validation.verdict,
    reasons: m.validation.reasons,
    driftDetected: req.driftDetected,
  });
}

async function readMetadata(ports: Ports, metadataPath: string): Promise<DatasetMetadata | null> {
  if (!(await ports.artifacts.exists(metadataPath))) return null;
  const text = (await ports.artifacts.get(metadataPath)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError(`${metadataPath} is not JSON`, { stage: 'collect', code: 'METADATA_INVALID', cause: err });
  }
  const res = DatasetMetadataSchema.safeParse(json);
  if (!res.success) {
    throw new DataError(`${metadataPath} is not dataset metadata: ${formatIssues(res.error.issues).join('; ')}`, { stage: 'collect', code: 'METADATA_INVALID' });
  }
  return res.data;
}

/** Handle one (parsed) `retrain-requests` message; throws only transient errors. */
export async function handleRetrainRequest(ports: Ports, config: RetrainingConfig, req: RetrainRequest, opts: HandleRetrainRequestOptions): Promise<RetrainRequestOutcome> {
  const log = opts.log ?? createLogger(silentSink);
  const { csvPath, metadataPath } = datasetPaths(config, req.runId);
  const topic = config.pipeline.topics.datasetReady;
  const publish = async (status: 'published' | 'reused', m: DatasetMetadata): Promise<RetrainRequestOutcome> => {
    const ready = readyOf(req, metadataPath, m);
    const messageId = await ports.bus.publish(topic, ready);
    log.messagePublished('collect', topic, messageId, { runId: req.runId, rows: ready.rows, verdict: ready.verdict });
    return { status, ready, messageId };
  };

  try {
    const existing = await readMetadata(ports, metadataPath);
    if (existing) {
      log.stageReused('collect', { runId: req.runId, metadataPath });
      return await publish('reused', existing);
    }
    const start = new Date(req.window.start);
    const end = new Date(req.window.end);
    if (start.getTime() >= end.getTime()) {
      throw new DataError(`Empty window: ${req.window.start} is not before ${req.window.end}`, { stage: 'collect', code: 'MESSAGE_INVALID' });
    }
    const partial = await ports.artifacts.stat(csvPath);
    const target = artifactTarget(ports.artifacts, csvPath, { csvIfGenerationMatch: partial ? partial.generation : '0', metadataWriteOnce: true });
    const result = await collect(ports, {
      window: { start, end },
      minSessionDurationMs: req.minSessionDurationMs ?? config.dataCollection.minSessionDurationMs,
      maxSamples: req.maxSamples ?? config.dataCollection.maxSamplesPerCollection,
      target,
      config,
      configHash: opts.configHash,
      runId: req.runId,
      log,
    });
    return await publish('published', result.metadata);
  } catch (err) {
    if (err instanceof ConflictError) {
      // Another delivery of this run got there first; retry later and reuse its dataset then.
      const retry = new TransientError(`Concurrent collection of run ${req.runId}: ${err.message}`, { stage: 'collect', cause: err });
      log.stageFailed('collect', retry, { runId: req.runId });
      throw retry;
    }
    if (isTransient(err)) {
      log.stageFailed('collect', err, { runId: req.runId });
      throw err;
    }
    const error = err instanceof PipelineError ? err : new PipelineError(describeError(err), { code: 'COLLECT_FAILED', stage: 'collect', cause: err });
    log.stageFailed('collect', error, { runId: req.runId });
    return { status: 'failed', error };
  }
}
