import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ModelRegistry } from '../../../functions/src/models/registry.ts';
import { dashboardData } from '../../../functions/src/stages/report/dashboard-data.ts';
import { DashboardDataSchema, type DashboardData } from '../../../functions/src/stages/report/dashboard-schema.ts';
import { openTestEnv, seedLogs } from '../pipeline/fixtures.ts';
import { DASHBOARD_NOW, dashboardStory, deploymentRecord, type DashboardStory } from './fixtures.ts';

const SECTIONS = ['last_retraining', 'current_model_performance', 'retraining_triggers', 'upcoming_retraining', 'recent_deployments', 'performance_trends'];

describe('dashboardData on a store with runs, checks, a failure, a report and deployments', () => {
  let story: DashboardStory;
  let data: DashboardData;
  let recordsBefore: number;

  before(async () => {
    story = await dashboardStory();
    recordsBefore = (await story.env.ports.records.list(story.env.config.pipeline.collections.decisions)).length;
    data = await dashboardData(story.env.ports, story.env.config);
  });
  after(() => story.env.close());

  it('has the six sections of the original under its key names, and passes its schema', () => {
    for (const key of SECTIONS) assert.ok(key in data, key);
    assert.doesNotThrow(() => DashboardDataSchema.parse(data));
    assert.equal(data.generatedAt, new Date(DASHBOARD_NOW).toISOString());
  });

  it('last_retraining: the latest run with its stages in order, their timings and its version', () => {
    const run = data.last_retraining.run!;
    assert.equal(run.runId, story.secondRunId);
    assert.ok(['succeeded', 'skipped'].includes(run.status));
    assert.deepEqual(run.stages.map((s) => s.name), ['check', 'collect', 'validate', 'train']);
    assert.ok(run.stages.filter((s) => s.durationMs !== null).every((s) => s.durationMs! > 0));
    assert.ok(run.durationMs! > 0);
    assert.equal(data.last_retraining.lastSuccess?.runId, story.secondRunId);
  });

  it('recent_runs: newest first; the failed run carries its error, the first run links its report', () => {
    assert.deepEqual(data.recent_runs.map((r) => r.runId), [story.secondRunId, story.failedRunId, story.firstRunId]);
    const failed = data.recent_runs[1];
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'CSV_INVALID');
    assert.equal(failed.stages.find((s) => s.name === 'train')?.error?.code, 'CSV_INVALID');
    assert.equal(data.recent_runs[2].reportUrl, `reports/${story.firstRunId}/report.html`);
    // The second run's candidate was compared with the serving version by the validation gate, which stored its report.
    assert.equal(data.recent_runs[0].reportUrl, `reports/${story.secondRunId}/report.html`);
  });

  it('current_model_performance: the serving version with its manifest, live accuracy of whatever was served', () => {
    const perf = data.current_model_performance;
    assert.equal(perf.serving.length, 1);
    assert.equal(perf.serving[0].role, 'stable');
    assert.equal(perf.serving[0].version, story.firstVersion);
    assert.equal(perf.serving[0].percentage, 100);
    assert.ok(perf.serving[0].training!.summary.meanAccuracy > 0);
    assert.ok(Object.keys(perf.serving[0].training!.metrics).length >= 11);
    assert.equal(perf.live.window.hours, 24);
    // The last week was served by the first version through the real serving path.
    const served = perf.live.groups.find((g) => g.version === story.firstVersion);
    assert.ok(served && served.scored > 0, JSON.stringify(perf.live.groups.map((g) => [g.version, g.variant, g.scored, g.role])));
    assert.ok(served.meanAccuracy! > 0 && served.meanAccuracy! < 1);
  });

  it('retraining_triggers: every trigger now with its signal against its thresholds, and the last decision', () => {
    const t = Object.fromEntries(data.retraining_triggers.triggers.map((x) => [x.name, x]));
    assert.deepEqual(Object.keys(t), ['time_based', 'data_volume', 'performance', 'drift']);
    assert.equal(t.performance.signal?.key, 'live_accuracy_upper');
    assert.equal(t.drift.signal?.key, 'max_feature_psi');
    assert.equal(t.time_based.signal?.key, 'days_since_last');
    assert.deepEqual(t.time_based.thresholds.map((x) => x.key), ['min_days', 'max_days']);
    assert.equal(t.time_based.blocks, true);
    assert.equal(t.data_volume.signal?.key, 'new_samples');
    assert.deepEqual(t.data_volume.thresholds, [{ key: 'min_required', value: 500 }]);
    assert.equal(data.retraining_triggers.lastDecision?.decisionId, 'dec_20260302T020000Z_scheduled');
  });

  it('upcoming_retraining: the next Monday 02:00 UTC, and that the cool-down holds retraining back now', () => {
    const up = data.upcoming_retraining;
    assert.deepEqual(up.nextChecks, ['2026-03-09T02:00:00.000Z', '2026-03-16T02:00:00.000Z', '2026-03-23T02:00:00.000Z']);
    assert.equal(up.scheduleError, null);
    assert.equal(up.decisionNow.shouldRetrain, false);
    assert.deepEqual(up.decisionNow.blockedBy, ['time_based']);
  });

  it('recent_deployments: newest first, the rollback marked, the deployment linked to the HTML beside its comparison', () => {
    const dep = data.recent_deployments;
    assert.deepEqual(dep.deployments.map((d) => d.action), ['rollback', 'canary_start', 'deploy']);
    assert.deepEqual(dep.deployments.map((d) => d.isRollback), [true, false, false]);
    assert.equal(dep.deployments[2].reportUrl, `reports/${story.firstRunId}/report.html`);
    assert.deepEqual(dep.counts, { rollback: 1, canary_start: 1, deploy: 1 });
    assert.deepEqual(dep.invalid, []);
  });

  it('performance_trends: live accuracy per day and version, trigger values with thresholds, durations, rows, versions', () => {
    const tr = data.performance_trends;
    const days = new Set(tr.liveAccuracy.points.map((p) => p.day));
    assert.ok(days.size >= 20, `${days.size} days`);
    assert.ok(tr.liveAccuracy.points.every((p) => p.lower <= p.accuracy && p.accuracy <= p.upper));
    assert.ok(tr.liveAccuracy.points.some((p) => p.series === 'default stylesheet'));
    assert.deepEqual(tr.liveAccuracy.thresholds, [{ key: 'triggers.performance.accuracyThreshold', value: 0.75 }]);
    // Two scheduled decisions and five daily checks, each with both triggers.
    const decisions = new Set(tr.triggerValues.points.map((p) => p.decisionId));
    assert.equal(decisions.size, 7);
    const volume = tr.triggerValues.points.filter((p) => p.trigger === 'data_volume');
    assert.equal(volume.filter((p) => p.kind === 'value').length, 7);
    assert.ok(volume.filter((p) => p.kind === 'threshold').every((p) => p.key === 'min_required' && p.value === 500));
    assert.deepEqual(tr.triggerValues.points.map((p) => p.at), [...tr.triggerValues.points.map((p) => p.at)].sort());
    assert.equal(tr.runDurations.points.length, 3);
    assert.ok(tr.runDurations.points.every((p) => p.durationMs > 0));
    assert.equal(tr.rowsCollected.points.length, 2);
    assert.equal(tr.rowsCollected.thresholds[0].value, 100);
    assert.ok(tr.versions.points.some((v) => v.version === story.firstVersion));
  });

  it('is read-only: looking records no decision', async () => {
    assert.equal((await story.env.ports.records.list(story.env.config.pipeline.collections.decisions)).length, recordsBefore);
  });
});

describe('dashboardData at the edges', () => {
  it('an empty store: every section present and empty, the checker would train a first model', async () => {
    const env = await openTestEnv('2026-03-02T12:00:00Z');
    try {
      const data = await dashboardData(env.ports, env.config);
      for (const key of SECTIONS) assert.ok(key in data, key);
      assert.equal(data.last_retraining.run, null);
      assert.deepEqual(data.current_model_performance.serving, []);
      assert.deepEqual(data.current_model_performance.live.groups, []);
      assert.deepEqual(data.recent_deployments.deployments, []);
      assert.deepEqual(data.performance_trends.liveAccuracy.points, []);
      assert.equal(data.upcoming_retraining.decisionNow.shouldRetrain, true);
      assert.match(data.upcoming_retraining.decisionNow.recommendation, /no current model/);
    } finally {
      await env.close();
    }
  });

  it('a canary without a manifest, a deployment record of an unknown shape, a bad schedule', async () => {
    const env = await openTestEnv('2026-03-02T12:00:00Z');
    try {
      await seedLogs(env.ports, { startDate: '2026-02-28', days: 3 });
      const registry = new ModelRegistry(env.ports.artifacts, env.config.pipeline.layout.modelsPrefix);
      const pointer = {
        version: 'v_20260101_000000',
        previousVersion: null,
        updatedAt: '2026-03-01T00:00:00.000Z',
        runId: null,
        reason: 'test',
        canary: { version: 'v_20260201_000000', percentage: 10, startedAt: '2026-03-01T06:00:00.000Z', salt: 's', deploymentId: 'dep_1' },
        deploymentId: 'dep_0',
      };
      await env.ports.artifacts.put(registry.layout.current, JSON.stringify(pointer));
      const deployments = env.config.pipeline.collections.deployments;
      await env.ports.records.set(deployments, 'dep_1', { ...deploymentRecord({ deploymentId: 'dep_1', action: 'canary_start', createdAt: '2026-03-01T06:00:00.000Z' }) });
      await env.ports.records.set(deployments, 'dep_future', { deploymentId: 'dep_future', action: 'teleport', createdAt: '2026-03-01T07:00:00.000Z' });

      // The config schema refuses a six-field schedule; the dashboard still copes with one it is handed.
      const data = await dashboardData(env.ports, { ...env.config, pipeline: { ...env.config.pipeline, schedule: '0 0 2 * * 1' } });
      const serving = data.current_model_performance.serving;
      assert.deepEqual(serving.map((s) => [s.role, s.version, s.percentage]), [['stable', 'v_20260101_000000', 90], ['canary', 'v_20260201_000000', 10]]);
      assert.ok(serving.every((s) => s.training === null && /no manifest/.test(s.note ?? '')));
      assert.deepEqual(data.recent_deployments.deployments.map((d) => d.deploymentId), ['dep_1']);
      assert.deepEqual(data.recent_deployments.invalid.map((d) => d.id), ['dep_future']);
      assert.deepEqual(data.upcoming_retraining.nextChecks, []);
      assert.match(data.upcoming_retraining.scheduleError ?? '', /five-field/);
    } finally {
      await env.close();
    }
  });
});
