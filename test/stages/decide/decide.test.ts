import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DataError } from '../../../functions/src/shared/errors.ts';
import { decide, defaultTriggers } from '../../../functions/src/stages/decide/decide.ts';
import { toOriginalCheck, TriggerDecisionSchema } from '../../../functions/src/stages/decide/decision.ts';
import type { Trigger } from '../../../functions/src/stages/decide/trigger.ts';
import { finishRun, markStage } from '../../../functions/src/runs/run-record.ts';
import { openTestEnv, seedLogs, type TestEnv } from '../pipeline/fixtures.ts';

const NOW = '2026-03-02T02:00:00Z';
const DAY = 86_400_000;

describe('decide', () => {
  let env: TestEnv;
  let logs: number;
  beforeEach(async () => {
    env = await openTestEnv(NOW, { triggers: { dataVolume: { minNewSamples: 150 } } });
    // 14 days × 20 users × 2 sessions: ~280 in the 7-day window, some of them short.
    logs = await seedLogs(env.ports, { startDate: '2026-02-16', days: 14 });
  });
  afterEach(() => env.close());

  it('with no model: time fires, strategy full, every signal recorded', async () => {
    const { decision, reused } = await decide(env.ports, env.config, { mode: 'scheduled' });
    assert.equal(reused, false);
    assert.equal(decision.shouldRetrain, true);
    assert.equal(decision.strategy, 'full');
    assert.equal(decision.runId, 'run_20260302T020000Z_scheduled');
    assert.deepEqual(decision.reasons, ['time_based', 'data_volume']);
    const volume = decision.triggers.find((t) => t.name === 'data_volume')!;
    const expected = await env.ports.logs.count({ start: new Date(Date.parse(NOW) - 7 * DAY), end: new Date(NOW), minSessionDurationMs: 30_000 });
    assert.equal(volume.values.new_samples, expected);
    assert.ok(expected > 150 && expected < logs);
    assert.equal(volume.values.min_required, 150);
    // Full retrain: the request reads the whole retention period.
    assert.equal(decision.request?.window.start, new Date(Date.parse(NOW) - 90 * DAY).toISOString());
    assert.equal(decision.request?.strategy, 'full');
    const stored = await env.ports.records.get('trigger_decisions', decision.decisionId);
    assert.deepEqual(TriggerDecisionSchema.parse(stored?.data), decision);
    const original = toOriginalCheck(decision) as { should_retrain: boolean; triggers: Record<string, Record<string, unknown>>; recommendation: string };
    assert.equal(original.should_retrain, true);
    assert.equal(original.triggers.time_based.triggered, true);
    assert.equal(original.triggers.data_volume.new_samples, expected);
    assert.match(original.recommendation, /full retrain/);
  });

  it('a training two days ago holds retraining back (cool-down); data volume counts only sessions since it', async () => {
    env.clock.set(new Date(Date.parse(NOW) - 2 * DAY));
    await markStage(env.ports, 'run_old', 'train', 'succeeded', { outputs: { version: 'v_20260228_020000' } });
    await finishRun(env.ports, 'run_old', 'succeeded');
    env.clock.set(NOW);
    // A low volume threshold, so that the sessions since the training are enough to fire.
    const config = { ...env.config, triggers: { ...env.config.triggers, dataVolume: { ...env.config.triggers.dataVolume, minNewSamples: 20 } } };
    const { decision } = await decide(env.ports, config, { mode: 'scheduled' });
    assert.equal(decision.shouldRetrain, false);
    assert.deepEqual(decision.blockedBy, ['time_based']);
    const volume = decision.triggers.find((t) => t.name === 'data_volume')!;
    assert.equal(volume.values.window_start, new Date(Date.parse(NOW) - 2 * DAY).toISOString());
    const week = await env.ports.logs.count({ start: new Date(Date.parse(NOW) - 7 * DAY), end: new Date(NOW), minSessionDurationMs: env.config.dataCollection.minSessionDurationMs });
    const since = await env.ports.logs.count({ start: new Date(Date.parse(NOW) - 2 * DAY), end: new Date(NOW), minSessionDurationMs: env.config.dataCollection.minSessionDurationMs });
    assert.ok(since > 0 && since < week, `${since} of ${week}`);
    assert.equal(volume.values.new_samples, since);
    assert.ok(since >= 20);
    assert.equal(volume.triggered, true);
    assert.deepEqual(decision.reasons, ['data_volume']);
    assert.equal(decision.runId, null);
    assert.equal(decision.lastTraining?.source, 'runs');
    assert.equal(decision.triggers[0].values.days_since_last, 2);
    assert.match(decision.recommendation, /^wait: data_volume fired but time_based holds retraining back/);
  });

  it('a version trained but never deployed still calls for a full retrain', async () => {
    env.clock.set(new Date(Date.parse(NOW) - 10 * DAY));
    await markStage(env.ports, 'run_old', 'train', 'succeeded', { outputs: { version: 'v_1' } });
    await finishRun(env.ports, 'run_old', 'succeeded');
    env.clock.set(NOW);
    const { decision } = await decide(env.ports, env.config, { mode: 'scheduled' });
    // No version serves (nothing was deployed): still a full retrain.
    assert.equal(decision.strategy, 'full');
    assert.equal(decision.currentVersion, null);
    assert.equal(decision.shouldRetrain, true);
  });

  it('the same slot decides once; a dry run writes nothing', async () => {
    const dry = await decide(env.ports, env.config, { mode: 'scheduled', dryRun: true });
    assert.equal(await env.ports.records.get('trigger_decisions', dry.decision.decisionId), null);
    const a = await decide(env.ports, env.config, { mode: 'scheduled' });
    env.clock.advance(30_000);
    const b = await decide(env.ports, env.config, { mode: 'scheduled' });
    assert.equal(b.reused, true);
    assert.deepEqual(b.decision, a.decision);
    assert.equal((await env.ports.records.list('trigger_decisions')).length, 1);
  });

  it('force retrains whatever the triggers say, with the reason manual', async () => {
    const quiet = { ...env.config, triggers: { ...env.config.triggers, timeBased: { ...env.config.triggers.timeBased, enabled: false }, dataVolume: { ...env.config.triggers.dataVolume, minNewSamples: 1_000_000 } } };
    const checked = await decide(env.ports, quiet, { mode: 'check' });
    assert.equal(checked.decision.shouldRetrain, false);
    assert.equal(checked.decision.runId, null);
    const forced = await decide(env.ports, quiet, { mode: 'force' });
    assert.equal(forced.decision.shouldRetrain, true);
    assert.deepEqual(forced.decision.reasons, ['manual']);
    assert.equal(forced.decision.runId, 'run_20260302T020000Z_force');
    assert.equal(forced.decision.triggers[0].evaluated, false);
  });

  it('triggers are pluggable; a broken one is recorded and the others still decide', async () => {
    const drift: Trigger = {
      name: 'drift',
      async evaluate() {
        return { name: 'drift', evaluated: true, triggered: true, reason: 'psi 0.4 > 0.1', values: { max_feature_psi: 0.4, threshold: 0.1 } };
      },
    };
    const broken: Trigger = {
      name: 'performance',
      async evaluate() {
        throw new DataError('no served predictions', { stage: 'decide' });
      },
    };
    // Stand-ins for the real performance and drift triggers (which the other files test).
    const { decision } = await decide(env.ports, env.config, { mode: 'scheduled', triggers: [...defaultTriggers().slice(0, 2), broken, drift] });
    assert.deepEqual(
      decision.triggers.map((t) => [t.name, t.evaluated, t.triggered]),
      [
        ['time_based', true, true],
        ['data_volume', true, true],
        ['performance', false, false],
        ['drift', true, true],
      ],
    );
    assert.match(decision.triggers[2].reason, /no served predictions/);
    assert.equal(decision.triggers[3].values.max_feature_psi, 0.4);
    assert.equal(decision.strategy, 'full');
  });
});
