/**
 * The trainer's work under the run record: the `dataset-ready` message is parsed here, once (the
 * edge), then the dataset's verdict is recorded as the `validate` stage — `abort` fails the run
 * for good, so bad data is never trained on nor retried — and the training handler (which claims
 * the `train` stage itself, binds one version to the run and ends the run) does the rest with the
 * typed message.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Ports } from '../../ports/index.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { DatasetReadySchema } from '../../shared/messages.ts';
import { receiveMessage } from '../../shared/receive-message.ts';
import { handleDatasetReady, type DatasetReadyOutcome } from '../train/handle-dataset-ready.ts';
import { recordVerdict } from './collect-step.ts';

/** The training handler's signature (injectable, so tests can make it crash mid-way). */
export type TrainHandler = typeof handleDatasetReady;

/** Options of the train step. */
export interface TrainStepOptions {
  log?: PipelineLogger;
  handler?: TrainHandler;
}

/** What happened to a `dataset-ready` message: the handler's outcome, or its rejection at the edge. */
export type TrainStepOutcome = DatasetReadyOutcome | { status: 'rejected'; reason: string };

/** Handle one `dataset-ready` message; throws only transient errors. */
export async function trainStep(ports: Ports, config: RetrainingConfig, message: unknown, opts: TrainStepOptions = {}): Promise<TrainStepOutcome> {
  const log = opts.log ?? createLogger(silentSink);
  const received = receiveMessage(DatasetReadySchema, message, { name: 'dataset-ready message', stage: 'train', log });
  if (!received.ok) return { status: 'rejected', reason: received.error.message };
  const ready = received.message;
  // The collector may not have recorded the verdict before this message arrived (or at all).
  await recordVerdict(ports, config, ready, log);
  return await (opts.handler ?? handleDatasetReady)(ports, config, ready, { log });
}
