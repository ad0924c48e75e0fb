/**
 * The trainer's work under the run record: the dataset's verdict is recorded first as the
 * `validate` stage — `abort` fails the run for good, so bad data is never trained on nor retried —
 * then the training handler (which claims the `train` stage itself, binds one version to the run
 * and ends the run) does the rest.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { DatasetReadySchema } from '../../shared/messages.ts';
import { handleDatasetReady, type DatasetReadyOutcome } from '../train/handle-dataset-ready.ts';
import { recordVerdict } from './collect-step.ts';

/** The training handler's signature (injectable, so tests can make it crash mid-way). */
export type TrainHandler = typeof handleDatasetReady;

/** Options of the train step. */
export interface TrainStepOptions {
  log?: PipelineLogger;
  handler?: TrainHandler;
}

/** Handle one `dataset-ready` message; throws only transient errors. */
export async function trainStep(ports: Ports, config: RetrainingConfig, message: unknown, opts: TrainStepOptions = {}): Promise<DatasetReadyOutcome> {
  const log = opts.log ?? createLogger(silentSink);
  const parsed = DatasetReadySchema.safeParse(message);
  // The collector may not have recorded the verdict before this message arrived (or at all).
  if (parsed.success) await recordVerdict(ports, config, parsed.data, log);
  return await (opts.handler ?? handleDatasetReady)(ports, config, message, { log });
}
