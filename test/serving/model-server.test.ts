/**
 * The serving path on the embedded store: the default stylesheet before any deployment, the
 * stable and canary versions by sticky assignment, and damaged versions served around (and
 * recorded), never served.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { prepareFeaturesV2 } from '../../functions/src/data/features.ts';
import { ServedSchema } from '../../functions/src/data/log-schema.ts';
import { TARGET_CLASS_COLUMNS, TARGET_VAR_COLUMNS, VAR_SPECS } from '../../functions/src/data/targets.ts';
import { predictBundle, readBundle } from '../../functions/src/models/bundle.ts';
import { ModelRegistry } from '../../functions/src/models/registry.ts';
import { openModelServer } from '../../functions/src/serving/open-server.ts';
import { DEFAULT_CSS_VARS } from '../../functions/src/serving/default-stylesheet.ts';
import { predictSession, servingModel } from '../../functions/src/serving/serving-model.ts';
import { deploy } from '../../functions/src/stages/deploy/deploy.ts';
import { listDeployments } from '../../functions/src/stages/deploy/deployment-store.ts';
import { DAMAGE, context, openServingPorts, trainVersion } from './fixtures.ts';

const cli = { kind: 'cli', id: 'test' } as const;

describe('model server', () => {
  let ports: Awaited<ReturnType<typeof openServingPorts>>;
  let v1: string;
  let v2: string;

  before(async () => {
    ports = await openServingPorts();
    v1 = await trainVersion(ports, { seed: 1 });
    v2 = await trainVersion(ports, { seed: 2 });
  });
  after(() => ports.close());

  it('serves the default stylesheet with variant default before any deployment', async () => {
    const { server } = openModelServer(ports, ports.config, { actor: cli });
    const served = await server.predict('u1', context());
    assert.equal(served.model_version, null);
    assert.equal(served.variant, 'default');
    assert.deepEqual([served.css_class_density, served.css_class_font, served.css_class_theme], ['comfortable', 'medium', 'light']);
    assert.deepEqual(served.css_vars, DEFAULT_CSS_VARS);
  });

  it('serves the stable version in the shape of the log\'s served block', async () => {
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor: cli });
    const { server } = openModelServer(ports, ports.config, { actor: cli });
    for (let i = 0; i < 20; i++) {
      const served = await server.predict(`u${i}`, context(i));
      assert.ok(ServedSchema.safeParse(served).success, JSON.stringify(served));
      assert.equal(served.model_version, v1);
      assert.equal(served.variant, 'current');
      assert.ok(served.latency_ms! >= 0);
    }
    assert.deepEqual(server.health().loaded, [v1]);
  });

  it('a canary serves its share by a sticky hash; a wider share moves only users at the margin', async () => {
    ports.clock.advance(60_000);
    await deploy(ports, ports.config, { version: v2, strategy: 'canary', percentage: 10, actor: cli });
    const { server } = openModelServer(ports, ports.config, { actor: cli });
    const snap = await server.snapshot();
    const variant = (u: number) => server.serve(snap, `user-${u}`, context(u % 7)).variant;
    const first = Array.from({ length: 10_000 }, (_, u) => variant(u));
    const share = first.filter((v) => v === 'canary').length / first.length;
    assert.ok(Math.abs(share - 0.1) <= 0.015, `canary share ${share}`);
    assert.deepEqual(Array.from({ length: 10_000 }, (_, u) => variant(u)), first, 'each user always the same variant');

    await deploy(ports, ports.config, { version: v2, strategy: 'canary', percentage: 30, actor: cli });
    const wider = await server.snapshot();
    const second = Array.from({ length: 10_000 }, (_, u) => server.serve(wider, `user-${u}`, context(u % 7)).variant);
    first.forEach((v, u) => v === 'canary' && assert.equal(second[u], 'canary', `user ${u} left the canary`));
    assert.ok(Math.abs(second.filter((v) => v === 'canary').length / 10_000 - 0.3) <= 0.015);
  });

  it('a damaged canary is never served: the stable version serves its users and the canary is rolled back on record', async () => {
    DAMAGE.editedLeaf(ports, v2);
    const { server } = openModelServer(ports, ports.config, { actor: cli });
    const snap = await server.snapshot();
    for (let u = 0; u < 300; u++) assert.equal(server.serve(snap, `user-${u}`, context(u)).model_version, v1);
    await server.idle();
    const state = await new ModelRegistry(ports.artifacts).readServingState();
    assert.equal(state.pointer?.canary, null);
    assert.equal(state.pointer?.version, v1);
    const latest = (await listDeployments(ports, ports.config)).records[0];
    assert.deepEqual([latest.action, latest.outcome, latest.fromVersion, latest.toVersion], ['rollback', 'rolled_back', v2, v1]);
    assert.match(latest.reason, /^damaged: canary version .* fails verification \(.*sha256/);
    assert.equal(server.health().damaged[v2] !== undefined, true);
  });
});

describe('predictSession', () => {
  it('answers what the batch predictor (the evaluation path) predicts for the same context', async () => {
    const ports = await openServingPorts();
    try {
      const v = await trainVersion(ports, { seed: 4, rows: 400 });
      const registry = new ModelRegistry(ports.artifacts);
      const bundle = await readBundle(ports.artifacts, 'models', v, await registry.manifest(v));
      const model = servingModel(bundle);
      for (let i = 0; i < 200; i++) {
        const ctx = context(100 + i);
        const served = predictSession(model, ctx);
        const batch = predictBundle(bundle, new Float32Array(prepareFeaturesV2(ctx)), 1);
        for (const name of TARGET_CLASS_COLUMNS) {
          const p = batch[name];
          const best = [...p].indexOf(Math.max(...p));
          assert.equal(served[name], model.classLabels[name][best], `${name} of context ${i}`);
        }
        TARGET_VAR_COLUMNS.forEach((name, j) => {
          const s = VAR_SPECS[j];
          assert.equal(served.css_vars[j], Math.min(s.max, Math.max(s.min, batch[name][0])), `${name} of context ${i}`);
        });
      }
    } finally {
      await ports.close();
    }
  });
});
