/**
 * The deploy stage on the embedded store: the three strategies, the gate seam, refusal of a
 * damaged version, one compare-and-swap winner among racing deployers, and idempotence per
 * deployment id.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { ensureRun } from '../../../functions/src/runs/run-record.ts';
import { deploy } from '../../../functions/src/stages/deploy/deploy.ts';
import { getDeployment, listDeployments } from '../../../functions/src/stages/deploy/deployment-store.ts';
import { INTERIM_GATE_NOTE, type SafetyGate } from '../../../functions/src/stages/deploy/gate.ts';
import { DAMAGE, openServingPorts, trainVersion } from '../../serving/fixtures.ts';

const actor = { kind: 'cli', id: 'tester' } as const;

/** A passing gate that waits for two callers: both deployers have read the same serving state before either writes. */
function twoCallerBarrier(): SafetyGate {
  let arrived = 0;
  let release!: () => void;
  const bothRead = new Promise<void>((r) => (release = r));
  return async () => {
    if (++arrived === 2) release();
    await bothRead;
    return { passed: true, reasons: ['ok'], reportPath: null, metrics: {} };
  };
}

describe('deploy', () => {
  let ports: Awaited<ReturnType<typeof openServingPorts>>;
  let v1: string;
  let v2: string;
  const state = async () => (await new ModelRegistry(ports.artifacts).readServingState()).pointer;

  beforeEach(async () => {
    ports = await openServingPorts();
    v1 = await trainVersion(ports, { seed: 1 });
    v2 = await trainVersion(ports, { seed: 2 });
  });
  afterEach(() => ports.close());

  it('immediate: everyone switches in one write, the record names the state and the state its record', async () => {
    const first = await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    assert.equal(first.outcome, 'applied');
    const second = await deploy(ports, ports.config, { version: v2, strategy: 'immediate', actor, reason: 'better fonts' });
    assert.deepEqual([second.record?.action, second.record?.fromVersion, second.record?.toVersion, second.record?.percentage], ['deploy', v1, v2, 100]);
    const s = await state();
    assert.deepEqual([s?.version, s?.previousVersion, s?.canary, s?.deploymentId, s?.reason], [v2, v1, null, second.deploymentId, 'better fonts']);
    const again = await deploy(ports, ports.config, { version: v2, strategy: 'immediate', actor });
    assert.equal(again.outcome, 'unchanged');
    assert.equal((await listDeployments(ports, ports.config)).records.length, 2);
  });

  it('safe: switches only when the injected gate passes; its reasons, metrics and report go into the record', async () => {
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    const calls: Array<[string, string | null]> = [];
    const refusing: SafetyGate = async (c, s) => (calls.push([c, s]), { passed: false, reasons: ['css_class_theme significantly worse (p=0.001)'], reportPath: 'reports/x/comparison.json', metrics: { theme: -0.04 } });
    const refused = await deploy(ports, ports.config, { version: v2, strategy: 'safe', actor, gate: refusing });
    assert.deepEqual(calls, [[v2, v1]]);
    assert.equal(refused.outcome, 'rejected');
    assert.deepEqual([refused.record?.action, refused.record?.reportPath], ['reject', 'reports/x/comparison.json']);
    assert.match(refused.reason, /css_class_theme significantly worse/);
    assert.equal((await state())?.version, v1);

    const passed = await deploy(ports, ports.config, { version: v2, strategy: 'safe', actor });
    assert.equal(passed.outcome, 'applied');
    assert.ok((passed.record?.metrics.gateReasons as string[]).includes(INTERIM_GATE_NOTE), 'the interim gate says what it checked');
    assert.equal((await state())?.version, v2);
  });

  it('canary: the share, a salt and a start time in the serving state; widening keeps salt and start', async () => {
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    ports.clock.advance(60_000);
    const started = await deploy(ports, ports.config, { version: v2, strategy: 'canary', actor });
    assert.equal(started.outcome, 'canary');
    const c = (await state())!.canary!;
    assert.deepEqual([c.version, c.percentage, c.startedAt, c.deploymentId], [v2, ports.config.deployment.canaryPercentage, ports.clock.now().toISOString(), started.deploymentId]);
    ports.clock.advance(60_000);
    const wider = await deploy(ports, ports.config, { version: v2, strategy: 'canary', percentage: 25, actor });
    const w = (await state())!.canary!;
    assert.deepEqual([w.percentage, w.salt, w.startedAt, w.deploymentId], [25, c.salt, c.startedAt, c.deploymentId]);
    assert.equal(wider.record?.percentage, 25);
    // Deploying the canary version immediately promotes it and settles the canary's record.
    const promoted = await deploy(ports, ports.config, { version: v2, strategy: 'immediate', actor });
    assert.deepEqual([promoted.record?.action, promoted.outcome], ['promote', 'promoted']);
    assert.equal((await getDeployment(ports, ports.config, started.deploymentId!))?.outcome, 'promoted');
  });

  it('a version that fails verification is refused whatever the strategy, and nothing changes', async () => {
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    DAMAGE.missingFile(ports, v2);
    for (const strategy of ['immediate', 'safe', 'canary'] as const) {
      const r = await deploy(ports, ports.config, { version: v2, strategy, actor });
      assert.equal(r.outcome, 'rejected', strategy);
      assert.match(r.reason, /scaler\.json: missing/);
    }
    assert.deepEqual([(await state())?.version, (await state())?.canary], [v1, null]);
  });

  it('racing deployers: exactly one wins, the loser is told and recorded as a conflict', async () => {
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    const v3 = await trainVersion(ports, { seed: 3 });
    const barrier = twoCallerBarrier();
    const results = await Promise.all([
      deploy(ports, ports.config, { version: v2, strategy: 'safe', gate: barrier, actor: { kind: 'run', id: 'run_a' } }),
      deploy(ports, ports.config, { version: v3, strategy: 'safe', gate: barrier, actor: { kind: 'run', id: 'run_b' } }),
    ]);
    const outcomes = results.map((r) => r.outcome);
    assert.deepEqual(outcomes.slice().sort(), ['applied', 'conflict'], outcomes.join());
    const winner = results.find((r) => r.outcome === 'applied')!;
    const loser = results.find((r) => r.outcome === 'conflict')!;
    assert.equal((await state())?.deploymentId, winner.deploymentId);
    assert.equal((await state())?.version, winner.record?.toVersion);
    assert.equal(loser.record?.outcome, 'conflict');
    assert.match(loser.reason, /another deployment won/);
  });

  it('one deployment delivered twice at once: the delivery that loses the write finds its own deployment serving, no conflict', async () => {
    await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor });
    const barrier = twoCallerBarrier();
    const req = { version: v2, strategy: 'safe' as const, gate: barrier, actor: { kind: 'run', id: 'run_x' } as const, deploymentId: 'dep_run_x' };
    const results = await Promise.all([deploy(ports, ports.config, req), deploy(ports, ports.config, req)]);
    assert.deepEqual(results.map((r) => r.outcome), ['applied', 'applied']);
    assert.deepEqual(results.map((r) => r.replayed).sort(), [false, true]);
    const records = (await listDeployments(ports, ports.config)).records.filter((r) => r.deploymentId === 'dep_run_x');
    assert.deepEqual(records.map((r) => [r.outcome, r.toVersion]), [['applied', v2]]);
    assert.equal((await state())?.deploymentId, 'dep_run_x');
  });

  it("a run's deployment arriving after a later run's was applied is refused as superseded, and recorded", async () => {
    await ensureRun(ports, 'run_early');
    ports.clock.advance(60_000);
    await ensureRun(ports, 'run_late');
    const late = await deploy(ports, ports.config, { version: v2, strategy: 'immediate', actor: { kind: 'run', id: 'run_late' }, runId: 'run_late', deploymentId: 'dep_run_late' });
    assert.equal(late.outcome, 'applied');
    const early = await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor: { kind: 'run', id: 'run_early' }, runId: 'run_early', deploymentId: 'dep_run_early' });
    assert.deepEqual([early.outcome, early.record?.action], ['rejected', 'reject']);
    assert.match(early.reason, /superseded: run run_late, requested after run run_early, was deployed first/);
    assert.deepEqual([(await state())?.version, (await state())?.deploymentId], [v2, 'dep_run_late']);
    // A person may still deploy the older version.
    assert.equal((await deploy(ports, ports.config, { version: v1, strategy: 'immediate', actor })).outcome, 'applied');
  });

  it('the same deployment id twice (a redelivered message) deploys once and returns the first outcome', async () => {
    const req = { version: v1, strategy: 'immediate' as const, actor, deploymentId: 'dep_run_x' };
    const first = await deploy(ports, ports.config, req);
    const gen = (await new ModelRegistry(ports.artifacts).readServingState()).generation;
    ports.clock.advance(60_000);
    const again = await deploy(ports, ports.config, { ...req, version: v2 });
    assert.deepEqual([again.outcome, again.replayed, again.record?.toVersion], ['applied', true, v1]);
    assert.equal((await new ModelRegistry(ports.artifacts).readServingState()).generation, gen);
    assert.equal(first.deploymentId, 'dep_run_x');
  });
});
