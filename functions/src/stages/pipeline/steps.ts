/**
 * The step handlers of the chain, one per topic, as the deployed collector, trainer and deployer
 * functions run them: subscribed to the in-process bus by `runChain` on the embedded backend, and to the
 * Pub/Sub emulator topics in the end-to-end test.
 */
import { validationGate } from '../deploy/validation-gate.ts';
import { handleModelTrained } from '../deploy/handle-model-trained.ts';
import type { ChainSteps } from './chain.ts';
import { collectStep } from './collect-step.ts';
import { trainStep } from './train-step.ts';

/** collect (+ validate) on `retrain-requests`, train on `dataset-ready`, deploy on `model-trained`. */
export const defaultSteps: ChainSteps = {
  retrainRequest: async (ports, config, data, { log }) => void (await collectStep(ports, config, data, { log })),
  datasetReady: async (ports, config, data, { log }) => void (await trainStep(ports, config, data, { log })),
  modelTrained: async (ports, config, data, { log }) => void (await handleModelTrained(ports, config, data, { log, gate: validationGate(ports, config) })),
};
