/**
 * The deployer function: `model-trained` → the deploy stage (the original stage 7). With
 * `deployment.autoDeploy` a successfully trained version is deployed with `deployment.strategy`;
 * otherwise it waits for `retrain deploy`. Retries on: only transient errors are thrown; the
 * deployment id is the run's, so a redelivered message never deploys twice (see
 * stages/deploy/handle-model-trained.ts). The safe strategy's gate is wired here.
 */
import { onMessagePublished } from 'firebase-functions/v2/pubsub';
import { runtimeConfig } from '../runtime/config.ts';
import { getCloudPorts } from '../runtime/cloud-ports.ts';
import { messageBody } from '../runtime/message-body.ts';
import { functionsLogger } from '../shared/logger.ts';
import { validationGate } from '../stages/deploy/validation-gate.ts';
import { handleModelTrained } from '../stages/deploy/handle-model-trained.ts';

const { config } = runtimeConfig();

/** Deploys a trained version when auto-deployment is on. */
export const deployer = onMessagePublished(
  {
    topic: config.pipeline.topics.modelTrained,
    region: config.pipeline.region,
    memory: '512MiB',
    timeoutSeconds: 120,
    retry: true,
  },
  async (event) => {
    const ports = await getCloudPorts();
    return await handleModelTrained(ports, config, messageBody(event.data.message), { log: functionsLogger, gate: validationGate(ports, config) });
  },
);
