/**
 * The canary verdict on simulated sessions served by the real models: a candidate trained on
 * shuffled labels is rolled back by the watcher before its watch is over, a good one is promoted
 * after `monitoringHours`, and a version that does worse than its predecessor after a full
 * promotion is rolled back — each record saying why, with the live numbers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { deploy } from '../../../functions/src/stages/deploy/deploy.ts';
import { getDeployment } from '../../../functions/src/stages/deploy/deployment-store.ts';
import { watchDeployments } from '../../../functions/src/stages/deploy/watch.ts';
import type { TestEnv } from '../pipeline/fixtures.ts';
import { firstVersion, shuffleLabels, simulateServedDay, trainCandidate } from './scenario.ts';

const actor = { kind: 'cli', id: 'tester' } as const;

// Fixed deployment ids give fixed canary salts: the same users on each side in every run.
describe('canary watcher on simulated sessions', () => {
  let env: TestEnv;
  let v1: string;
  let bad: string;
  let good: string;
  const state = async () => (await new ModelRegistry(env.ports.artifacts).readServingState()).pointer;

  before(async () => {
    const first = await firstVersion();
    env = first.env;
    v1 = first.v1;
    const csv = (await env.ports.artifacts.get(first.csvPath)).toString('utf8');
    bad = await trainCandidate(env, 'shuffled', shuffleLabels(csv, 13));
    good = await trainCandidate(env, 'good', csv);
    await deploy(env.ports, env.config, { version: v1, strategy: 'immediate', actor });
  });
  after(() => env?.close());

  it('a candidate trained on shuffled labels is rolled back as soon as it is significantly worse', async () => {
    env.clock.set('2026-03-02T00:00:00Z');
    const canary = await deploy(env.ports, env.config, { version: bad, strategy: 'canary', percentage: 50, actor, deploymentId: 'dep_canary_bad' });
    await simulateServedDay(env, '2026-03-02', 21);

    const early = await watchDeployments(env.ports, env.config, { now: new Date('2026-03-02T01:00:00Z') });
    assert.equal(early.decisions[0].verdict, 'wait', early.decisions[0].reason);

    const held = await watchDeployments(env.ports, { ...env.config, deployment: { ...env.config.deployment, rollbackEnabled: false } }, { now: new Date('2026-03-02T12:00:00Z') });
    assert.equal(held.decisions[0].verdict, 'hold');
    assert.equal((await state())?.canary?.version, bad);

    const res = await watchDeployments(env.ports, env.config, { now: new Date('2026-03-02T12:00:00Z') });
    const d = res.decisions[0];
    assert.equal(d.verdict, 'rollback', d.reason);
    assert.ok(d.elapsedHours < env.config.deployment.monitoringHours);
    assert.ok(d.comparison!.worse.length >= 1);
    assert.deepEqual([(await state())?.version, (await state())?.canary], [v1, null]);
    const rec = d.result!.record!;
    assert.deepEqual([rec.action, rec.outcome, rec.fromVersion, rec.toVersion, rec.actor.kind], ['rollback', 'rolled_back', bad, v1, 'watcher']);
    assert.match(rec.reason, /significantly worse than .* on css_class_\w+.*scored sessions\): css_class_density 0\.\d{3} vs 0\.\d{3}/);
    const live = rec.metrics.live as { candidate: { scored: number }; targets: Record<string, { candidate: { accuracy: number }; baseline: { accuracy: number }; pAdjusted: number }> };
    assert.ok(live.candidate.scored > 100);
    for (const t of d.comparison!.worse) assert.ok(live.targets[t].candidate.accuracy < live.targets[t].baseline.accuracy && live.targets[t].pAdjusted < 0.05);
    assert.equal((await getDeployment(env.ports, env.config, canary.deploymentId!))?.outcome, 'rolled_back');

    // The next hourly pass finds nothing to judge; the verdict is not written twice.
    const again = await watchDeployments(env.ports, env.config, { now: new Date('2026-03-02T13:00:00Z') });
    assert.ok(again.decisions.every((x) => x.verdict !== 'rollback'));
  });

  it('a good candidate waits for monitoringHours, then is promoted with the live numbers on record', async () => {
    env.clock.set('2026-03-03T00:00:00Z');
    const canary = await deploy(env.ports, env.config, { version: good, strategy: 'canary', percentage: 50, actor, deploymentId: 'dep_canary_good' });
    await simulateServedDay(env, '2026-03-03', 22);

    const mid = await watchDeployments(env.ports, env.config, { now: new Date('2026-03-03T12:00:00Z') });
    assert.equal(mid.decisions[0].verdict, 'wait', mid.decisions[0].reason);
    assert.match(mid.decisions[0].reason, /h of 24 h watched/);

    const res = await watchDeployments(env.ports, env.config, { now: new Date('2026-03-04T00:00:00Z') });
    const d = res.decisions[0];
    assert.equal(d.verdict, 'promote', d.reason);
    assert.ok(d.comparison!.candidate.scored >= env.config.deployment.minCanarySessions);
    assert.deepEqual([(await state())?.version, (await state())?.previousVersion, (await state())?.canary], [good, v1, null]);
    const rec = d.result!.record!;
    assert.deepEqual([rec.action, rec.outcome, rec.strategy, rec.fromVersion, rec.toVersion], ['promote', 'promoted', 'canary', v1, good]);
    assert.match(rec.reason, /not significantly worse .* after 24 h/);
    assert.ok((rec.metrics.live as { targets: object }).targets);
    assert.equal((await getDeployment(env.ports, env.config, canary.deploymentId!))?.outcome, 'promoted');
  });

  it('after a full promotion, a version significantly below its predecessor is rolled back within monitoringHours', async () => {
    env.clock.set('2026-03-04T00:00:00Z');
    const switched = await deploy(env.ports, env.config, { version: bad, strategy: 'immediate', actor, reason: 'pushed by hand' });
    await simulateServedDay(env, '2026-03-04', 23);
    const res = await watchDeployments(env.ports, env.config, { now: new Date('2026-03-04T12:00:00Z') });
    const d = res.decisions[0];
    assert.deepEqual([d.kind, d.verdict], ['promotion', 'rollback'], d.reason);
    assert.match(d.reason, /significantly below its predecessor/);
    assert.deepEqual([(await state())?.version, d.result?.record?.toVersion], [good, good]);
    assert.equal((await getDeployment(env.ports, env.config, switched.deploymentId!))?.outcome, 'rolled_back');

    const later = await watchDeployments(env.ports, env.config, { now: new Date('2026-03-06T00:00:00Z') });
    assert.ok(later.decisions.every((x) => x.verdict !== 'rollback'));
  });
});
