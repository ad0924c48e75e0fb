import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../../functions/src/stages/decide/decide.ts';
import { TriggerResultSchema } from '../../../functions/src/stages/decide/trigger.ts';
import { KNOWN_SIGNALS, inferSignal, triggerView } from '../../../functions/src/stages/report/trigger-view.ts';
import { openTestEnv, seedLogs } from '../pipeline/fixtures.ts';

describe('triggerView', () => {
  it('the known triggers name keys that their results really carry', async () => {
    const env = await openTestEnv('2026-03-02T02:00:00Z');
    try {
      await seedLogs(env.ports, { startDate: '2026-02-20', days: 5 });
      const { decision } = await decide(env.ports, env.config, { mode: 'check', dryRun: true });
      assert.deepEqual(decision.triggers.map((t) => t.name).sort(), Object.keys(KNOWN_SIGNALS).sort());
      for (const t of decision.triggers) {
        const known = KNOWN_SIGNALS[t.name];
        for (const key of [known.value, ...known.thresholds]) assert.ok(key in t.values, `${t.name}.${key}`);
        const view = triggerView(t);
        assert.equal(view.signal?.key, known.value);
        assert.deepEqual(view.thresholds.map((x) => x.key), known.thresholds);
      }
    } finally {
      await env.close();
    }
  });

  // Triggers that do not exist yet are read by the names of their values.
  const cases: Array<{ name: string; values: Record<string, number | string | null>; value: string | null; thresholds: string[] }> = [
    {
      name: 'a performance trigger: a share against its share threshold, not against a count or a percentage',
      values: { live_accuracy: 0.8, accuracy_threshold: 0.85, drop_percentage: 3, max_drop_percentage: 5, sessions: 500, min_sessions: 200, window_hours: 24 },
      value: 'live_accuracy',
      thresholds: ['accuracy_threshold'],
    },
    {
      name: 'a drift trigger: the worst PSI against both PSI thresholds, not against a row count',
      values: { worst_feature_psi: 0.2, feature_threshold_psi: 0.1, prediction_threshold_psi: 0.15, window_start: '2026-01-01', reference_rows: 1000, min_reference_rows: 500 },
      value: 'worst_feature_psi',
      thresholds: ['feature_threshold_psi', 'prediction_threshold_psi'],
    },
    { name: 'settings are not signals', values: { window_days: 7, min_session_duration_ms: 30000, sessions_count: 12, min_sessions_count: 10 }, value: 'sessions_count', thresholds: ['min_sessions_count'] },
    { name: 'a null signal still names its key', values: { age_days: null, max_age_days: 30 }, value: 'age_days', thresholds: ['max_age_days'] },
    { name: 'no numeric value: no signal', values: { note: 'x', enabled: null }, value: 'enabled', thresholds: [] },
    { name: 'only thresholds: no signal', values: { min_days: 7 }, value: null, thresholds: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(inferSignal(c.values), { value: c.value, thresholds: c.thresholds });
    });
  }

  it('an unknown trigger in a decision shows its inferred signal and the threshold values', () => {
    const view = triggerView(TriggerResultSchema.parse({ name: 'live_quality', evaluated: true, triggered: true, reason: 'r', values: { live_accuracy: 0.8, accuracy_threshold: 0.85 } }));
    assert.deepEqual(view.signal, { key: 'live_accuracy', value: 0.8 });
    assert.deepEqual(view.thresholds, [{ key: 'accuracy_threshold', value: 0.85 }]);
  });
});
