/** The deployer's handler of `model-trained`: stage 7 of the original pipeline. */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { createLogger, memorySink } from '../../../functions/src/shared/logger.ts';
import { handleModelTrained } from '../../../functions/src/stages/deploy/handle-model-trained.ts';
import { listDeployments } from '../../../functions/src/stages/deploy/deployment-store.ts';
import { openServingPorts, trainVersion } from '../../serving/fixtures.ts';

const trained = (version: string | null, status = 'success') => ({ runId: 'run_20261130T020000Z_scheduled', status, version, strategy: 'full', metrics: {} });

describe('handleModelTrained', () => {
  let ports: Awaited<ReturnType<typeof openServingPorts>>;
  let v1: string;

  beforeEach(async () => {
    ports = await openServingPorts({ deployment: { autoDeploy: true, strategy: 'canary' } });
    v1 = await trainVersion(ports, { seed: 1 });
  });
  afterEach(() => ports.close());

  it('auto-deployment off: skipped with the original reason, nothing written', async () => {
    const off = { ...ports.config, deployment: { ...ports.config.deployment, autoDeploy: false } };
    assert.deepEqual(await handleModelTrained(ports, off, trained(v1)), { status: 'skipped', reason: 'auto-deployment disabled', runId: trained(v1).runId, version: v1 });
    assert.equal((await new ModelRegistry(ports.artifacts).readServingState()).pointer, null);
  });

  it('only successful trainings are candidates; a malformed message is acknowledged and logged', async () => {
    assert.equal((await handleModelTrained(ports, ports.config, trained(null, 'no_improvement'))).status, 'skipped');
    const events = memorySink();
    assert.equal((await handleModelTrained(ports, ports.config, { runId: 'x' }, { log: createLogger(events) })).status, 'rejected');
    assert.equal(events.events[0].event, 'message_rejected');
    assert.equal((await listDeployments(ports, ports.config)).records.length, 0);
  });

  it('deploys with deployment.strategy (a canary with no stable version goes to everyone), once per run', async () => {
    const first = await handleModelTrained(ports, ports.config, trained(v1));
    assert.equal(first.status, 'deployed');
    if (first.status !== 'deployed') return;
    assert.deepEqual([first.outcome, first.deploymentId, first.record?.actor], ['applied', `dep_${trained(v1).runId}`, { kind: 'run', id: trained(v1).runId }]);
    assert.match(first.reason, /no readable stable version to run a canary against/);
    const again = await handleModelTrained(ports, ports.config, trained(v1));
    assert.equal(again.status === 'deployed' && again.replayed, true);
    assert.equal((await listDeployments(ports, ports.config)).records.length, 1);
  });
});
