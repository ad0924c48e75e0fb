/**
 * Duplicate and reordered Pub/Sub deliveries: every message of a run delivered twice at once,
 * every acknowledgement lost after the work, a finished run's messages delivered again late and in
 * reverse, and an older run's `model-trained` arriving after a newer run was deployed. Each must
 * leave one version per run, one deployment per run, the newest version serving, and the store's
 * invariants.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Ports } from '../../functions/src/ports/index.ts';
import { createLogger, silentSink } from '../../functions/src/shared/logger.ts';
import { subscribeSteps } from '../../functions/src/stages/pipeline/chain.ts';
import { defaultSteps } from '../../functions/src/stages/pipeline/steps.ts';
import { duplicating, holding, losingAcks } from './delivery-faults.ts';
import { NEXT_AT, RUN_AT, buildTemplate, openProc, readRun, runForced, runScenario, servingOf, type Store } from './harness.ts';
import { FaultTable } from './report.ts';

const RUN_ID = 'run_20260309T020000Z_force';
const NEXT_ID = 'run_20260309T020100Z_force';

describe('duplicate and reordered deliveries', () => {
  const table = new FaultTable('redelivery');
  let template: Store;
  before(async () => {
    template = await buildTemplate();
  });
  after(() => {
    table.write();
    template?.remove();
  });

  /** Run `body` on a fresh copy of the template; record the verdict under `category`. */
  const scenario = (category: string, fault: string, body: (store: Store) => Promise<string[]>) => runScenario(table, template, category, fault, body);

  /** Deliver `messages` in this order to a fresh process (a restarted subscriber) and let it handle them. */
  async function deliver(store: Store, at: string, messages: Array<{ topic: string; data: unknown }>): Promise<void> {
    const proc = await openProc(store, at);
    try {
      const off = await subscribeSteps(proc.ports, proc.config, defaultSteps, createLogger(silentSink));
      for (const m of messages) await proc.ports.bus.publish(m.topic, m.data);
      await proc.ports.bus.drain!();
      await off();
    } finally {
      await proc.close();
    }
  }

  /** The run ended succeeded with one deployment, which serves. */
  async function oneDeployment(store: Store, runId: string): Promise<string[]> {
    const problems: string[] = [];
    const run = await readRun(store, runId);
    if (run?.status !== 'succeeded') problems.push(`run ${runId} ended ${run?.status}: ${run?.error?.message ?? ''}`);
    const serving = await servingOf(store);
    const mine = serving.deployments.filter((d) => d.runId === runId);
    if (mine.length !== 1 || mine[0].outcome !== 'applied') problems.push(`deployments of ${runId}: ${JSON.stringify(mine)}`);
    if (serving.version !== run?.outputs.version) problems.push(`${serving.version} serves, not the run's ${run?.outputs.version}`);
    return problems;
  }

  it('every message of a run delivered twice at once', async () => {
    await scenario('duplicate deliveries', 'every retrain-request, dataset-ready and model-trained published twice', async (store) => {
      const proc = await openProc(store, RUN_AT);
      try {
        const attempt = await runForced(proc, RUN_AT, { ...proc.ports, bus: duplicating(proc.ports.bus) });
        assert.ok(!attempt.died);
      } finally {
        await proc.close();
      }
      return await oneDeployment(store, RUN_ID);
    });
  });

  it('every acknowledgement lost after the work: each message handled again', async () => {
    await scenario('duplicate deliveries', 'every delivery redelivered after its handler succeeded (ack lost)', async (store) => {
      const proc = await openProc(store, RUN_AT);
      try {
        await runForced(proc, RUN_AT, { ...proc.ports, bus: losingAcks(proc.ports.bus) });
      } finally {
        await proc.close();
      }
      const problems = await oneDeployment(store, RUN_ID);
      const run = await readRun(store, RUN_ID);
      if (run?.stages.train?.attempts !== 1) problems.push(`train ran ${run?.stages.train?.attempts} times`);
      return problems;
    });
  });

  it("a finished run's messages delivered again, late and in reverse order", async () => {
    await scenario('reordered deliveries', 'model-trained, dataset-ready, retrain-request of a finished run, again, newest first', async (store) => {
      const proc = await openProc(store, RUN_AT);
      const sent: Array<{ topic: string; data: unknown }> = [];
      const bus = proc.ports.bus;
      const recording: Ports = { ...proc.ports, bus: { ...duplicating(bus, []), publish: async (topic, data) => (sent.push({ topic, data }), await bus.publish(topic, data)) } };
      try {
        await runForced(proc, RUN_AT, recording);
      } finally {
        await proc.close();
      }
      const settled = await servingOf(store);
      const runBefore = await readRun(store, RUN_ID);
      await deliver(store, RUN_AT, [...sent].reverse());
      const problems = await oneDeployment(store, RUN_ID);
      const now = await servingOf(store);
      if (now.generation !== settled.generation) problems.push('the serving state changed');
      if (now.deployments.length !== settled.deployments.length) problems.push(`deployment records ${settled.deployments.length} → ${now.deployments.length}`);
      const runAfter = await readRun(store, RUN_ID);
      for (const stage of ['collect', 'train'] as const) if (runAfter?.stages[stage]?.attempts !== runBefore?.stages[stage]?.attempts) problems.push(`${stage} ran again`);
      return problems;
    });
  });

  it("an older run's model-trained arrives after a newer run was deployed", async () => {
    await scenario('reordered deliveries', 'model-trained of run A held back until run B (a minute later) deployed', async (store) => {
      const proc = await openProc(store, RUN_AT);
      const held = holding(proc.ports.bus, proc.config.pipeline.topics.modelTrained);
      try {
        await runForced(proc, RUN_AT, { ...proc.ports, bus: held });
        assert.equal(held.held.length, 1, "run A's model-trained is held");
      } finally {
        await proc.close();
      }
      const next = await openProc(store, NEXT_AT);
      try {
        await runForced(next, NEXT_AT);
      } finally {
        await next.close();
      }
      await deliver(store, NEXT_AT, [{ topic: store.config.pipeline.topics.modelTrained, data: held.held[0] }]);
      const problems: string[] = [];
      const b = await readRun(store, NEXT_ID);
      const serving = await servingOf(store);
      if (serving.version !== b?.outputs.version) problems.push(`${serving.version} serves, not the newer run's ${b?.outputs.version}`);
      const a = serving.deployments.filter((d) => d.runId === RUN_ID);
      if (a.some((d) => d.outcome === 'applied')) problems.push(`the older run was deployed over the newer one: ${JSON.stringify(a)}`);
      return problems;
    });
  });
});
