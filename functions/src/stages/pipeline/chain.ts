/**
 * The whole chain from one process (`retrain auto --mode force|scheduled`, `retrain start`, the
 * end-to-end test): decide, open the run and publish its request, then let the bus carry it
 * through collect → validate → train → deploy. On the embedded backend the step handlers are subscribed
 * here, exactly as the deployed functions are subscribed to their topics, and the bus is drained;
 * on the cloud the deployed functions do the work and the run record is watched until it ends.
 * Rerunning a slot resumes what a crashed process left: the run's request (request.ts), and on the
 * embedded bus — whose messages die with their process — the deployment of a run that ended.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { Delivery, Ports } from '../../ports/index.ts';
import { TransientError } from '../../shared/errors.ts';
import { ModelTrainedSchema } from '../../shared/messages.ts';
import { createLogger, silentSink, type PipelineLogger } from '../../shared/logger.ts';
import { decide } from '../decide/decide.ts';
import { getDeployment, runDeploymentId } from '../deploy/deployment-store.ts';
import type { TriggerDecision } from '../decide/decision.ts';
import type { CheckMode } from '../decide/ids.ts';
import type { Trigger } from '../decide/trigger.ts';
import { requestRetrain } from './request.ts';
import { pipelineResult, type PipelineResult } from './result.ts';
import { getRun, isTerminal, type RunRecord } from '../../runs/run-record.ts';

/** A topic's handler: the body of a deployed event function. */
export type StepHandler = (ports: Ports, config: RetrainingConfig, data: unknown, ctx: { log: PipelineLogger; attempt: number }) => Promise<void>;

/** The work behind each topic of the chain. */
export interface ChainSteps {
  /** `retrain-requests` → dataset (+ validation) → `dataset-ready`. */
  retrainRequest: StepHandler;
  /** `dataset-ready` → model version → `model-trained`. */
  datasetReady: StepHandler;
  /** `model-trained` → deployment (when `deployment.autoDeploy`). */
  modelTrained?: StepHandler;
}

/** Options of one chain run. */
export interface RunChainOptions {
  mode: Exclude<CheckMode, 'check'>;
  at?: Date;
  dryRun?: boolean;
  log?: PipelineLogger;
  triggers?: Trigger[];
  /**
   * The handlers to subscribe (embedded). Omit on the cloud backend, where the deployed functions
   * are subscribed and the run record is polled until it ends.
   */
  steps?: ChainSteps;
  /** Cloud backend: give up waiting after this long (the run goes on; its record tells the end). */
  waitTimeoutMs?: number;
  /** Cloud backend: how often to read the run record. */
  pollMs?: number;
}

/** The chain's result: the printed shape, plus the run record and decision behind it. */
export interface ChainOutcome {
  result: PipelineResult;
  run: RunRecord | null;
  /** The decision the run started from (replays report its triggers). */
  decision: TriggerDecision;
}

/** Subscribe the step handlers to their topics; returns the unsubscribe function. */
export async function subscribeSteps(ports: Ports, config: RetrainingConfig, steps: ChainSteps, log: PipelineLogger): Promise<() => Promise<void>> {
  const topics = config.pipeline.topics;
  const bind = (h: StepHandler) => (d: Delivery) => h(ports, config, d.data, { log, attempt: d.attempt });
  const offs = [
    await ports.bus.subscribe(topics.retrainRequests, bind(steps.retrainRequest)),
    await ports.bus.subscribe(topics.datasetReady, bind(steps.datasetReady)),
    ...(steps.modelTrained ? [await ports.bus.subscribe(topics.modelTrained, bind(steps.modelTrained))] : []),
  ];
  return async () => {
    for (const off of offs) await off();
  };
}

/** Wait until a run ends (cloud backend), polling its record; returns the last record read. */
export async function waitForRun(
  ports: Ports,
  config: RetrainingConfig,
  runId: string,
  opts: { timeoutMs?: number; pollMs?: number } = {},
): Promise<RunRecord | null> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const run = await getRun(ports, runId, { collection: config.pipeline.collections.runs });
    if ((run && isTerminal(run.status)) || Date.now() >= deadline) return run;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 5000));
  }
}

/**
 * An ended run whose version was never deployed although auto-deployment is on (the process died
 * with its `model-trained` message): publish the recorded message again. The deployer is
 * idempotent per run (`dep_<runId>`), so this completes a half-recorded deployment or makes it.
 */
async function resumeDeployment(ports: Ports, config: RetrainingConfig, run: RunRecord | null, log: PipelineLogger): Promise<void> {
  if (!config.deployment.autoDeploy || run?.status !== 'succeeded' || !run.outputs.version) return;
  if (await getDeployment(ports, config, runDeploymentId(run.runId))) return;
  const recorded = ModelTrainedSchema.safeParse(run.stages.train?.details.modelTrained);
  if (!recorded.success) return;
  const topic = config.pipeline.topics.modelTrained;
  const messageId = await ports.bus.publish(topic, recorded.data);
  log.messagePublished('deploy', topic, messageId, { runId: run.runId, version: run.outputs.version, resumed: true });
}

/** Run the chain once: decide, publish, carry the run to its end, and report it. */
export async function runChain(ports: Ports, config: RetrainingConfig, opts: RunChainOptions): Promise<ChainOutcome> {
  const log = opts.log ?? createLogger(silentSink);
  const start = ports.clock.now();
  const { decision } = await decide(ports, config, { mode: opts.mode, at: opts.at, triggers: opts.triggers, dryRun: opts.dryRun, log });
  if (!decision.shouldRetrain || opts.dryRun || !decision.runId) {
    return { result: pipelineResult(decision, null, start, ports.clock.now(), { dryRun: opts.dryRun }), run: null, decision };
  }
  let run: RunRecord | null;
  if (opts.steps) {
    const unsubscribe = await subscribeSteps(ports, config, opts.steps, log);
    try {
      const requested = await requestRetrain(ports, config, decision, { log });
      if (requested.action === 'in_progress' && opts.steps.modelTrained) await resumeDeployment(ports, config, requested.run, log);
      if (!ports.bus.drain) throw new TransientError('this message bus cannot be drained; run the chain with the deployed functions instead', { stage: 'cli' });
      await ports.bus.drain();
    } finally {
      await unsubscribe();
    }
    run = await getRun(ports, decision.runId, { collection: config.pipeline.collections.runs });
  } else {
    await requestRetrain(ports, config, decision, { log });
    run = await waitForRun(ports, config, decision.runId, { timeoutMs: opts.waitTimeoutMs, pollMs: opts.pollMs });
  }
  const deployment = { autoDeploy: config.deployment.autoDeploy, record: run ? await getDeployment(ports, config, runDeploymentId(run.runId)) : null };
  return { result: pipelineResult(decision, run, start, ports.clock.now(), { deployment }), run, decision };
}
