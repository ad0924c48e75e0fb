/**
 * The trainer function: `dataset-ready` → a new model version (incremental or full) →
 * `model-trained`. Sized from `npm run bench:train` (10k rows: full retrain with a 5-fold search
 * within its 90 s budget, peak RSS well under 1 GiB): 2 vCPUs for the engine's two worker
 * threads, 2 GiB, the 540 s ceiling of event functions. Retries on: only transient errors are
 * thrown; a redelivery of a run returns its one version (see stages/pipeline/train-step.ts and
 * stages/train/handle-dataset-ready.ts).
 */
import { onMessagePublished } from 'firebase-functions/v2/pubsub';
import { runtimeConfig } from '../runtime/config.ts';
import { getCloudPorts } from '../runtime/cloud-ports.ts';
import { messageBody } from '../runtime/message-body.ts';
import { functionsLogger } from '../shared/logger.ts';
import { trainStep } from '../stages/pipeline/train-step.ts';

const { config } = runtimeConfig();

/** Trains a model version from a collected dataset. */
export const trainer = onMessagePublished(
  {
    topic: config.pipeline.topics.datasetReady,
    region: config.pipeline.region,
    memory: '2GiB',
    cpu: 2,
    timeoutSeconds: 540,
    concurrency: 1,
    retry: true,
  },
  async (event) => {
    const ports = await getCloudPorts();
    return await trainStep(ports, config, messageBody(event.data.message), { log: functionsLogger });
  },
);
