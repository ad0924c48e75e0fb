import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { modelsLayout } from '../../functions/src/models/layout.ts';
import { bindVersion, readBinding, recordTrainingResult } from '../../functions/src/runs/version-binding.ts';
import { openTestPorts, type TestPorts } from '../stages/train/ports.ts';

describe('version bindings', () => {
  let ports: TestPorts;
  const layout = modelsLayout('models/');
  before(async () => {
    ports = await openTestPorts();
  });
  after(async () => ports.close());

  it('gives a run its earlier version name back, and suffixes taken names', async () => {
    ports.clock.set('2026-11-27T09:00:00Z');
    const v1 = await bindVersion(ports.artifacts, layout, 'run_a', ports.clock.now());
    assert.equal(v1, 'v_20261127_090000');
    const v2 = await bindVersion(ports.artifacts, layout, 'run_b', ports.clock.now());
    assert.match(v2, /^v_20261127_090000_[0-9a-f]{6}$/);
    ports.clock.advance(60_000);
    assert.equal(await bindVersion(ports.artifacts, layout, 'run_a', ports.clock.now()), v1);
    const [c1, c2] = await Promise.all([bindVersion(ports.artifacts, layout, 'run_c', ports.clock.now()), bindVersion(ports.artifacts, layout, 'run_d', ports.clock.now())]);
    assert.notEqual(c1, c2);
    assert.equal((await readBinding(ports.artifacts, layout, 'run_a'))?.path, 'models/bindings/run_a.json');
  });

  it('the first training result stays on the binding', async () => {
    const version = await bindVersion(ports.artifacts, layout, 'run_e', ports.clock.now());
    const msg = { runId: 'run_e', status: 'success' as const, version, strategy: 'full' as const, metrics: { 'css_var_0.rmse': 0.5 } };
    await recordTrainingResult(ports.artifacts, layout, 'run_e', version, msg, ports.clock.now());
    await recordTrainingResult(ports.artifacts, layout, 'run_e', version, { ...msg, status: 'no_improvement' }, ports.clock.now());
    assert.deepEqual((await readBinding(ports.artifacts, layout, 'run_e'))?.binding.result, msg);
  });

  it('reads a binding stored under its old name (models/runs/<runId>.json) and carries it over with the result', async () => {
    const legacy = { runId: 'run_old', version: 'v_20261101_000000', claimedAt: '2026-11-01T00:00:00.000Z', result: null };
    await ports.artifacts.put('models/runs/run_old.json', JSON.stringify(legacy));
    assert.equal(await bindVersion(ports.artifacts, layout, 'run_old', ports.clock.now()), 'v_20261101_000000');
    const msg = { runId: 'run_old', status: 'success' as const, version: legacy.version, strategy: 'full' as const, metrics: {} };
    await recordTrainingResult(ports.artifacts, layout, 'run_old', legacy.version, msg, ports.clock.now());
    const read = await readBinding(ports.artifacts, layout, 'run_old');
    assert.equal(read?.path, 'models/bindings/run_old.json');
    assert.deepEqual(read?.binding, { ...legacy, result: msg });
  });
});
