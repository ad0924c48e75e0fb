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
import { functionsLogger } from '../shared/logger.ts';
import { collectStep } from '../stages/pipeline/collect-step.ts';

const { config } = runtimeConfig();

/** The message body as JSON, or the raw text when it is not JSON (then rejected by the schema). */
function bodyOf(message: { json: unknown; data: string }): unknown {
  try {
    return message.json;
  } catch {
    return Buffer.from(message.data ?? '', 'base64').toString('utf8');
  }
}

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
    return await collectStep(ports, config, bodyOf(event.data.message), { log: functionsLogger });
  },
);
