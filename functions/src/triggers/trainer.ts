/**
 * The trainer function: `dataset-ready` → a new model version (incremental or full) →
 * `model-trained`. Sized for the largest dataset one invocation handles, 1M rows: `retrain full
 * --tune-hyperparams --compare-with-current` on 959,669 collected rows took 297 s wall on two
 * shared cores (load 19 s, search 35 s, training 165 s, evaluation and the gate 42 s) with a
 * 1.70 GB peak RSS (README, "How much data one trainer handles"). Hence 2 vCPUs for the engine's
 * two worker threads, 4 GiB (2 GiB would leave too little room at 1M rows), and the 540 s
 * ceiling of event functions. Retries on: only transient errors are
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
    memory: '4GiB',
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
