/** Rollback: its default target, one write, and the record of what was undone. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { deploy } from '../../../functions/src/stages/deploy/deploy.ts';
import { getDeployment } from '../../../functions/src/stages/deploy/deployment-store.ts';
import { rollback } from '../../../functions/src/stages/deploy/rollback.ts';
import { openServingPorts, trainVersion } from '../../serving/fixtures.ts';

const actor = { kind: 'cli', id: 'tester' } as const;

describe('rollback', () => {
  let ports: Awaited<ReturnType<typeof openServingPorts>>;
  let v1: string;
  let v2: string;
  let v3: string;
  const state = async () => (await new ModelRegistry(ports.artifacts).readServingState()).pointer;

  beforeEach(async () => {
    ports = await openServingPorts();
    v1 = await trainVersion(ports, { seed: 1 });
    v2 = await trainVersion(ports, { seed: 2 });
    v3 = await trainVersion(ports, { seed: 3 });
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    await deploy(ports, ports.config, { version: v2, strategy: 'immediate', actor });
  });
  afterEach(() => ports.close());

  it('with a canary running, ends the canary: everyone on the stable version, the canary record settled', async () => {
    const canary = await deploy(ports, ports.config, { version: v3, strategy: 'canary', percentage: 10, actor });
    const r = await rollback(ports, ports.config, { actor });
    assert.deepEqual([r.outcome, r.record?.fromVersion, r.record?.toVersion, r.record?.percentage], ['rolled_back', v3, v2, 100]);
    assert.deepEqual([(await state())?.version, (await state())?.canary], [v2, null]);
    assert.equal((await getDeployment(ports, ports.config, canary.deploymentId!))?.outcome, 'rolled_back');
  });

  it('without a canary, goes back to the previous stable version and settles the undone deployment', async () => {
    const deployedV2 = (await state())!.deploymentId!;
    const r = await rollback(ports, ports.config, { actor, reason: 'theme complaints' });
    assert.deepEqual([r.outcome, r.record?.fromVersion, r.record?.toVersion, r.reason], ['rolled_back', v2, v1, 'theme complaints']);
    assert.deepEqual([(await state())?.version, (await state())?.previousVersion], [v1, v2]);
    assert.equal((await getDeployment(ports, ports.config, deployedV2))?.outcome, 'rolled_back');
    assert.equal((await rollback(ports, ports.config, { to: v1, actor })).outcome, 'unchanged');
  });

  it('--to any verified version, including one never deployed', async () => {
    const r = await rollback(ports, ports.config, { to: v3, actor });
    assert.equal(r.outcome, 'rolled_back');
    assert.equal((await state())?.version, v3);
  });
});
