/**
 * Racing runs and racing deployers, each "process" with its own ports and bus on one store: two
 * processes running the same slot, two and four runs of different slots at once, two deliveries
 * of one `model-trained` deploying at once, and four deployers of four versions at once. Each
 * must leave one version per run, at most one deployment record per deployment id, a serving state
 * that names an applied deployment, and the store's invariants.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelRegistry } from '../../functions/src/models/registry.ts';
import type { RetrainingConfig } from '../../functions/src/config/schema.ts';
import { deploy } from '../../functions/src/stages/deploy/deploy.ts';
import { handleModelTrained } from '../../functions/src/stages/deploy/handle-model-trained.ts';
import { validationGate } from '../../functions/src/stages/deploy/validation-gate.ts';
import { runChain } from '../../functions/src/stages/pipeline/chain.ts';
import { defaultSteps } from '../../functions/src/stages/pipeline/steps.ts';
import { RUN_AT, buildTemplate, openProc, readRun, runForced, runScenario, servingOf, type Proc, type Store } from './harness.ts';
import { FaultTable } from './report.ts';

/** The slot `minutes` after RUN_AT, and its forced run's id. */
const slot = (minutes: number) => new Date(Date.parse(RUN_AT) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
const runIdOf = (at: string) => `run_${at.replace(/[-:]/g, '')}_force`;
/** The config without auto-deployment: versions are trained, not deployed. */
const trainOnly = (config: RetrainingConfig): RetrainingConfig => ({ ...config, deployment: { ...config.deployment, autoDeploy: false } });

describe('racing runs and deployers', () => {
  const table = new FaultTable('races');
  let template: Store;
  before(async () => {
    template = await buildTemplate();
  });
  after(() => {
    table.write();
    template?.remove();
  });

  const scenario = (category: string, fault: string, body: (store: Store) => Promise<string[]>, from: Store = template) => runScenario(table, from, category, fault, body);

  /** `n` processes at once, process i running the chain for `slots[i]`. */
  async function race(store: Store, slots: string[]): Promise<string[]> {
    const procs: Proc[] = await Promise.all(slots.map((at) => openProc(store, at)));
    try {
      const attempts = await Promise.all(procs.map((p, i) => runForced(p, slots[i])));
      return attempts.flatMap((a, i) => (a.died ? [`process ${i} died`] : a.outcome.result.status === 'success' || a.outcome.result.status === 'pending' ? [] : [`process ${i}: ${a.outcome.result.status} ${a.outcome.result.error ?? ''}`]));
    } finally {
      await Promise.all(procs.map((p) => p.close()));
    }
  }

  /** Every run ended succeeded with exactly one deployment record; the serving one is applied. */
  async function deployedOnce(store: Store, runIds: string[]): Promise<string[]> {
    const problems: string[] = [];
    const serving = await servingOf(store);
    for (const runId of runIds) {
      const run = await readRun(store, runId);
      if (run?.status !== 'succeeded') problems.push(`run ${runId} ended ${run?.status}: ${run?.error?.message ?? ''}`);
      const mine = serving.deployments.filter((d) => d.id === `dep_${runId}`);
      if (mine.length !== 1) problems.push(`run ${runId} has ${mine.length} deployment records`);
    }
    const current = serving.deployments.find((d) => d.toVersion === serving.version && d.outcome === 'applied');
    if (!current) problems.push(`${serving.version} serves without an applied deployment: ${JSON.stringify(serving.deployments)}`);
    return problems;
  }

  it('two processes run the same slot at once', async () => {
    await scenario('racing runs', 'two processes, one slot', async (store) => {
      const problems = await race(store, [RUN_AT, RUN_AT]);
      return [...problems, ...(await deployedOnce(store, [runIdOf(RUN_AT)]))];
    });
  });

  for (const n of [2, 4]) {
    it(`${n} runs of different slots at once`, async () => {
      const slots = Array.from({ length: n }, (_, i) => slot(i));
      await scenario('racing runs', `${n} processes, ${n} slots`, async (store) => {
        const problems = await race(store, slots);
        problems.push(...(await deployedOnce(store, slots.map(runIdOf))));
        const versions = await Promise.all(slots.map(async (at) => (await readRun(store, runIdOf(at)))?.outputs.version));
        if (new Set(versions).size !== n) problems.push(`versions ${versions.join(', ')} are not ${n} distinct ones`);
        return problems;
      });
    });
  }

  it('two deliveries of one model-trained deploy at once (one deployment id)', async () => {
    await scenario('racing deployers', 'two deployers, one message', async (store) => {
      const run = await openProc(store, RUN_AT);
      const config = trainOnly(run.config);
      let message: unknown;
      try {
        await run.ports.bus.subscribe(config.pipeline.topics.modelTrained, async (d) => void (message = d.data), { name: 'capture' });
        await runChain(run.ports, config, { mode: 'force', at: new Date(RUN_AT), steps: defaultSteps });
      } finally {
        await run.close();
      }
      assert.ok(message, 'model-trained was published');
      const procs = await Promise.all([openProc(store, RUN_AT), openProc(store, RUN_AT)]);
      try {
        const outs = await Promise.all(procs.map((p) => handleModelTrained(p.ports, p.config, message, { gate: validationGate(p.ports, p.config) })));
        const problems = outs.flatMap((o, i) => (o.status === 'deployed' && (o.outcome === 'applied' || o.replayed) ? [] : [`deployer ${i}: ${o.status} ${'outcome' in o ? o.outcome : ''} ${o.reason}`]));
        return [...problems, ...(await deployedOnce(store, [runIdOf(RUN_AT)]))];
      } finally {
        await Promise.all(procs.map((p) => p.close()));
      }
    });
  });

  /** `n` more complete versions: copies of the serving one under new names (only the manifest names its version). */
  async function cloneVersions(store: Store, n: number): Promise<string[]> {
    const proc = await openProc(store, RUN_AT);
    try {
      const registry = new ModelRegistry(proc.ports.artifacts, proc.config.pipeline.layout.modelsPrefix);
      const [source] = await registry.listVersions();
      const files = await proc.ports.artifacts.list(registry.layout.versionDir(source));
      const names: string[] = [];
      for (let i = 0; i < n; i++) {
        const name = `v_20260309_02000${i}`;
        for (const f of files) {
          const rel = f.path.slice(registry.layout.versionDir(source).length);
          if (rel === 'manifest.json') continue;
          await proc.ports.artifacts.put(registry.layout.file(name, rel), await proc.ports.artifacts.get(f.path));
        }
        const manifest = { ...(await registry.manifest(source)), version: name, runId: `run_clone_${i}` };
        await proc.ports.artifacts.put(registry.layout.manifest(name), `${JSON.stringify(manifest, null, 2)}\n`);
        names.push(name);
      }
      return names;
    } finally {
      await proc.close();
    }
  }

  it('four deployers of four versions at once: one wins, the others are told', async () => {
    await scenario('racing deployers', 'four deployers, four versions, one serving state', async (store) => {
      const names = await cloneVersions(store, 4);
      const procs = await Promise.all(names.map(() => openProc(store, RUN_AT)));
      try {
        const outs = await Promise.all(
          procs.map((p, i) => deploy(p.ports, p.config, { version: names[i], strategy: i % 2 ? 'immediate' : 'canary', actor: { kind: 'cli', id: `racer-${i}` }, deploymentId: `dep_race_${i}` })),
        );
        const won = outs.filter((o) => o.outcome === 'applied' || o.outcome === 'canary');
        const problems = won.length === 1 && outs.filter((o) => o.outcome === 'conflict').length === 3 ? [] : [`outcomes ${outs.map((o) => o.outcome).join(', ')}`];
        const serving = await servingOf(store);
        const records = serving.deployments.filter((d) => d.id.startsWith('dep_race_'));
        if (records.length !== 4) problems.push(`${records.length} records for 4 deployers`);
        const state = await new ModelRegistry(procs[0].ports.artifacts).readServingState();
        if (state.pointer?.deploymentId !== won[0]?.deploymentId) problems.push(`the state names ${state.pointer?.deploymentId}, the winner is ${won[0]?.deploymentId}`);
        return problems;
      } finally {
        await Promise.all(procs.map((p) => p.close()));
      }
    });
  });
});
