import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DMatrix, train } from '../../functions/src/engine/index.ts';
import { predictBundle, readBundle, writeBundle, type BundleContent } from '../../functions/src/models/bundle.ts';
import { ModelRegistry } from '../../functions/src/models/registry.ts';
import { applyScaler, fitScaler } from '../../functions/src/models/scaler.ts';
import { histogram } from '../../functions/src/models/reference-stats.ts';
import { ConflictError, DataError } from '../../functions/src/shared/errors.ts';
import { openTestPorts, type TestPorts } from '../stages/train/ports.ts';
import { fakeManifest } from './manifest-fixture.ts';

const features = ['feature_0', 'feature_1'];

function content(seed: number): BundleContent {
  const n = 60;
  const x = Float32Array.from({ length: n * 2 }, (_, i) => ((i * 7919 + seed) % 97) / 10);
  const scaler = fitScaler(x, n, features);
  const xs = applyScaler(scaler, x, n);
  const cls = train({ objective: 'multi:softprob', num_class: 3, max_depth: 2, seed }, new DMatrix(xs, n, 2, { label: Float32Array.from({ length: n }, (_, i) => (x[i * 2] > 5 ? 2 : x[i * 2] > 2 ? 1 : 0)) }), { numBoostRound: 3 });
  const reg = train({ objective: 'reg:squarederror', max_depth: 2, seed }, new DMatrix(xs, n, 2, { label: Float32Array.from({ length: n }, (_, i) => x[i * 2 + 1]) }), { numBoostRound: 3 });
  return {
    scaler,
    labels: { targets: [{ name: 'css_class_font', kind: 'class', objective: 'multi:softprob', labels: ['small', 'medium', 'large'] }, { name: 'css_var_0', kind: 'var', objective: 'reg:squarederror' }] },
    reference: { rows: n, predictionRows: n, bins: 10, features: { feature_0: histogram(x.filter((_, i) => i % 2 === 0)) }, targets: { classes: {}, vars: {} }, predictions: { classes: {}, vars: {} } },
    models: { css_class_font: cls.saveModel(), css_var_0: reg.saveModel() },
  };
}

describe('model bundle', () => {
  let ports: TestPorts;
  before(async () => (ports = await openTestPorts()));
  after(async () => ports.close());

  const { version: _v, files: _f, ...base } = fakeManifest('v_20261127_080000');

  it('writes every file then the manifest, and reads back the same predictions', async () => {
    const c = content(1);
    const m = await writeBundle(ports.artifacts, 'models', 'v_20261127_080000', c, { ...base, features });
    assert.deepEqual(m.files.map((f) => f.path), ['scaler.json', 'labels.json', 'reference.json', 'models/css_class_font.json', 'models/css_var_0.json']);
    assert.deepEqual(await new ModelRegistry(ports.artifacts, 'models').listVersions(), ['v_20261127_080000']);
    const b = await readBundle(ports.artifacts, 'models', 'v_20261127_080000', m);
    const x = Float32Array.from([1, 2, 6, 0.5, NaN, 3]);
    const p = predictBundle(b, x, 3);
    assert.equal(p.css_class_font.length, 9);
    assert.equal(p.css_var_0.length, 3);
    for (let r = 0; r < 3; r++) assert.ok(Math.abs(p.css_class_font[r * 3] + p.css_class_font[r * 3 + 1] + p.css_class_font[r * 3 + 2] - 1) < 1e-5);
    assert.equal(b.modelTexts.css_var_0, c.models.css_var_0);
  });

  it('accepts a replay with identical bytes, refuses different content (write-once)', async () => {
    await writeBundle(ports.artifacts, 'models', 'v_20261127_080000', content(1), { ...base, features });
    await assert.rejects(writeBundle(ports.artifacts, 'models', 'v_20261127_080000', content(2), { ...base, features }), ConflictError);
  });

  it('refuses a bundle whose file no longer matches the manifest digest', async () => {
    const m = await writeBundle(ports.artifacts, 'models', 'v_20261127_090000', content(3), { ...base, features });
    await ports.artifacts.put('models/v_20261127_090000/models/css_var_0.json', content(4).models.css_var_0);
    await assert.rejects(readBundle(ports.artifacts, 'models', 'v_20261127_090000', m), (e: unknown) => e instanceof DataError && /sha256/.test(e.message));
  });
});
