/**
 * The collector function: `retrain-requests` → dataset under `<datasetsPrefix>/<runId>/` →
 * `dataset-ready`. Sized for the default 10,000-row cap (streaming: memory does not grow with
 * rows; 10k Firestore reads take seconds). Retries on: only transient errors are thrown, so a bad
 * message or a permanent failure is logged, recorded on the run and acknowledged (see
 * stages/pipeline/collect-step.ts and stages/collect/handle-retrain-request.ts).
 */
import { onMessagePublished } from 'firebase-functions/v2/pubsub';
import { runtimeConfig } from '../runtime/config.ts';
import { getCloudPorts } from '../runtime/cloud-ports.ts';
import { messageBody } from '../runtime/message-body.ts';
import { functionsLogger } from '../shared/logger.ts';
import { collectStep } from '../stages/pipeline/collect-step.ts';

const { config } = runtimeConfig();

/** Collects the dataset of a retrain request. */
export const collector = onMessagePublished(
  {
    topic: config.pipeline.topics.retrainRequests,
    region: config.pipeline.region,
    memory: '512MiB',
    timeoutSeconds: 300,
    retry: true,
  },
  async (event) => {
    const ports = await getCloudPorts();
    return await collectStep(ports, config, messageBody(event.data.message), { log: functionsLogger });
  },
);
