/**
 * The `safe` strategy with the evaluation-based gate: a candidate that passes the validation gate
 * and is not worse than what serves is switched in, with the comparison report on the record; one
 * that fails (here: below minAccuracy, or trained on noise) is refused with the failing targets named.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { deploy } from '../../../functions/src/stages/deploy/deploy.ts';
import { validationGate } from '../../../functions/src/stages/deploy/validation-gate.ts';
import { ComparisonReportSchema } from '../../../functions/src/stages/compare/comparison-report.ts';
import { openServingPorts, trainVersion } from '../../serving/fixtures.ts';

const actor = { kind: 'cli', id: 'tester' } as const;

describe('validationGate', () => {
  let ports: Awaited<ReturnType<typeof openServingPorts>>;
  beforeEach(async () => {
    ports = await openServingPorts({ training: { rounds: 8, maxDepth: 3, workers: 1 } });
  });
  afterEach(() => ports.close());

  it('switches a validated candidate in and records the comparison with what served', async () => {
    const v1 = await trainVersion(ports, { seed: 1, rows: 600 });
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    const v2 = await trainVersion(ports, { seed: 2, rows: 600 });
    const res = await deploy(ports, ports.config, { version: v2, strategy: 'safe', actor, gate: validationGate(ports, ports.config) });
    assert.equal(res.outcome, 'applied', res.reason);
    assert.match(res.reason, /passed the validation gate against v_/);
    const report = ComparisonReportSchema.parse(JSON.parse((await ports.artifacts.get(res.record!.reportPath!)).toString()));
    assert.deepEqual([report.model_a.version, report.model_b.version], [v1, v2]);
    assert.equal((await new ModelRegistry(ports.artifacts).readServingState()).pointer?.version, v2);
  });

  it('refuses a candidate that fails the gate, naming the targets; nothing moves', async () => {
    const v1 = await trainVersion(ports, { seed: 1, rows: 600 });
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    const noisy = await trainVersion(ports, { seed: 3, rows: 600, noise: 1 });
    const strict = parseConfig({ ...ports.config, validation: { ...ports.config.validation, performanceTests: { ...ports.config.validation.performanceTests, minAccuracy: 0.6 } } });
    const res = await deploy(ports, strict, { version: noisy, strategy: 'safe', actor, gate: validationGate(ports, strict) });
    assert.equal(res.outcome, 'rejected');
    assert.match(res.reason, /failed the validation gate: accuracy_test: css_class_density accuracy 0\.\d+ < minAccuracy 0\.6/);
    assert.equal((await new ModelRegistry(ports.artifacts).readServingState()).pointer?.version, v1);
  });
});
