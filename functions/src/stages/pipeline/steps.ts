/**
 * The step handlers of the chain, one per topic, as the deployed collector and trainer functions
 * run them: subscribed to the in-process bus by `runChain` on the embedded backend, and to the
 * Pub/Sub emulator topics in the end-to-end test.
 */
import type { ChainSteps } from './chain.ts';
import { collectStep } from './collect-step.ts';
import { trainStep } from './train-step.ts';

/** collect (+ validate) on `retrain-requests`, train on `dataset-ready`. */
export const defaultSteps: ChainSteps = {
  retrainRequest: async (ports, config, data, { log }) => void (await collectStep(ports, config, data, { log })),
  datasetReady: async (ports, config, data, { log }) => void (await trainStep(ports, config, data, { log })),
};
