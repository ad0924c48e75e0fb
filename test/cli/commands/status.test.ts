import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DashboardDataSchema } from '../../../functions/src/stages/report/dashboard-schema.ts';
import { DASHBOARD_NOW, dashboardStory, type DashboardStory } from '../../stages/report/fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/retrain.js');
let story: DashboardStory;

before(async () => {
  story = await dashboardStory();
});
after(() => story.env.close());

async function status(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'status', '--root', story.env.root, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('retrain status', () => {
  it('--json prints the dashboard data, the same document as /api/dashboard', async () => {
    const r = await status(['--json', '--at', DASHBOARD_NOW]);
    assert.equal(r.code, 0, r.stderr);
    const data = DashboardDataSchema.parse(JSON.parse(r.stdout));
    assert.equal(data.generatedAt, new Date(DASHBOARD_NOW).toISOString());
    assert.equal(data.last_retraining.run?.runId, story.secondRunId);
    assert.equal(data.recent_deployments.deployments.length, 3);
  });

  it('prints the same story readably: every section, the run, the triggers against thresholds, the next check', async () => {
    const r = await status(['--at', DASHBOARD_NOW, '--days', '14']);
    assert.equal(r.code, 0, r.stderr);
    for (const title of ['Last retraining', 'Current model performance', 'Retraining triggers', 'Upcoming retraining', 'Recent deployments', 'Performance trends (last 14 days)', 'Recent runs']) {
      assert.ok(r.stdout.includes(title), title);
    }
    assert.match(r.stdout, new RegExp(`✓ succeeded +${story.secondRunId}`));
    assert.match(r.stdout, /stages: check ✓ .* → collect ✓ .* → validate ✓ → train ✓/);
    assert.match(r.stdout, /⏸ time_based +days_since_last 0\.42 against min_days 7, max_days 30/);
    assert.match(r.stdout, /data_volume +new_samples \d+ against min_required 500/);
    assert.match(r.stdout, /next check 2026-03-09 02:00Z/);
    assert.match(r.stdout, /↩ rollback/);
    assert.match(r.stdout, /CSV_INVALID|not a valid CSV/);
  });

  it('a bad flag is a usage error (exit 2)', async () => {
    assert.equal((await status(['--days', '0'])).code, 2);
  });
});
