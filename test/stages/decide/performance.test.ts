import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RetrainingConfigInput } from '../../../functions/src/config/schema.ts';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { modelsLayout } from '../../../functions/src/models/layout.ts';
import { defaultServed } from '../../../functions/src/serving/default-stylesheet.ts';
import { performanceTrigger } from '../../../functions/src/stages/decide/performance.ts';
import { TriggerResultSchema, type TriggerContext } from '../../../functions/src/stages/decide/trigger.ts';
import { fakeManifest } from '../../models/manifest-fixture.ts';
import { openTestEnv, seedLogs, type TestEnv } from '../pipeline/fixtures.ts';

const NOW = '2026-03-02T02:00:00Z';
const VERSION = 'v_20260301_020000';

describe('performance trigger', () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await openTestEnv(NOW);
    // Two days of sessions served by VERSION (its answers: the default classes), ~50 a day.
    await seedLogs(env.ports, { startDate: '2026-02-28', days: 2, users: 25, server: () => ({ ...defaultServed(), model_version: VERSION, variant: 'current' }) });
    const manifest = fakeManifest(VERSION);
    manifest.metrics = Object.fromEntries(['css_class_density', 'css_class_font', 'css_class_theme'].map((t) => [t, { kind: 'class' as const, rows: 500, logloss: 0.6, accuracy: 0.7 }]));
    await env.ports.artifacts.put(modelsLayout('models').manifest(VERSION), Buffer.from(JSON.stringify(manifest)));
  });
  afterEach(() => env.close());

  const run = async (performance: Record<string, number>, version: string | null = VERSION) => {
    const ctx: TriggerContext = {
      ports: env.ports,
      config: parseConfig({ triggers: { performance } } as RetrainingConfigInput),
      at: new Date(NOW),
      window: { start: new Date(Date.parse(NOW) - 7 * 86_400_000), end: new Date(NOW) },
      lastTraining: null,
      currentVersion: version,
    };
    return TriggerResultSchema.parse(await performanceTrigger.evaluate(ctx));
  };

  it('is not evaluated under minSessions: insufficient_data, never fired', async () => {
    const r = await run({ minSessions: 10_000 });
    assert.equal(r.evaluated, false);
    assert.equal(r.triggered, false);
    assert.equal(r.values.status, 'insufficient_data');
    assert.match(r.reason, /^insufficient_data: \d+ scored sessions/);
    assert.equal((await run({}, null)).values.status, 'no_model');
  });

  it('judges the upper confidence bound, not the point estimate', async () => {
    const wide = await run({ minSessions: 5, monitoringWindowHours: 12 });
    assert.equal(wide.evaluated, true, wide.reason);
    const accuracy = wide.values.live_accuracy as number;
    const upper = wide.values.live_accuracy_upper as number;
    assert.ok(upper - accuracy > 0.05, `few sessions, a wide interval: ${accuracy} … ${upper}`);
    // A threshold above the point estimate but under the upper bound: not significantly below.
    const between = await run({ minSessions: 5, monitoringWindowHours: 12, accuracyThreshold: (accuracy + upper) / 2, maxDropPercentage: 100 });
    assert.equal(between.evaluated, true);
    assert.equal(between.triggered, false, between.reason);
    // The same threshold over a day of sessions: the interval narrows under it and the trigger fires.
    const day = await run({ minSessions: 5, monitoringWindowHours: 48, accuracyThreshold: Math.min(0.99, (between.values.live_accuracy_upper as number) + 0.05), maxDropPercentage: 100 });
    assert.ok((day.values.live_accuracy_upper as number) < (day.values.accuracy_threshold as number));
    assert.equal(day.triggered, true);
    assert.match(day.reason, /significantly low/);
  });

  it('fires when a class is significantly under its training-time accuracy less the allowed drop, naming it', async () => {
    const manifest = fakeManifest(VERSION);
    manifest.metrics = { css_class_density: { kind: 'class', rows: 500, logloss: 0.1, accuracy: 0.999 }, css_class_font: { kind: 'class', rows: 500, logloss: 0.6, accuracy: 0.1 }, css_class_theme: { kind: 'class', rows: 500, logloss: 0.6, accuracy: 0.1 } };
    await env.ports.artifacts.put(modelsLayout('models').manifest(VERSION), Buffer.from(JSON.stringify(manifest)));
    const r = await run({ minSessions: 20, monitoringWindowHours: 48, accuracyThreshold: 0.01 });
    assert.equal(r.triggered, true, r.reason);
    assert.equal(r.values.dropped_targets, 'density');
    assert.equal(r.values.density_training_accuracy, 0.999);
    assert.ok((r.values.density_upper as number) < (r.values.density_drop_limit as number));
    assert.match(r.reason, /density .* training 99\.9 % less 5 %/);
  });
});
