import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closePorts, openPorts } from '../../../functions/src/adapters/open.ts';
import { parseConfig } from '../../../functions/src/config/load.ts';
import { seedLogs } from '../../stages/pipeline/fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/retrain.js');
let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'auto-cli-'));
  const ports = await openPorts(parseConfig({}), { backend: 'embedded', root });
  await seedLogs(ports, { startDate: '2026-02-16', days: 14 });
  await closePorts(ports);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Run `retrain auto …` on the temporary embedded store in a child process. */
async function auto(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'auto', '--root', root, '--at', '2026-03-02T02:00:00Z', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('retrain auto', () => {
  it('--mode check --json prints the original check shape with every trigger value', async () => {
    const r = await auto(['--mode', 'check', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.should_retrain, true);
    assert.equal(out.triggers.time_based.triggered, true);
    assert.equal(out.triggers.time_based.days_since_last, null);
    assert.equal(out.triggers.data_volume.triggered, false);
    assert.equal(out.triggers.data_volume.min_required, 500);
    assert.deepEqual(Object.keys(out.triggers), ['time_based', 'data_volume', 'performance', 'drift']);
    assert.equal(out.triggers.performance.status, 'no_model');
    assert.equal(out.triggers.drift.feature_threshold_psi, 0.2);
    assert.equal(typeof out.triggers.data_volume.new_samples, 'number');
    assert.match(out.recommendation, /full retrain/);
    assert.equal(out.decision_id, 'dec_20260302T020000Z_check');
  });

  it('--mode scheduled --dry-run says what it would run and writes no run', async () => {
    const r = await auto(['--mode', 'scheduled', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'dry_run');
    assert.equal(out.run_id, 'run_20260302T020000Z_scheduled');
    assert.equal(out.would_publish.strategy, 'full');
    for (const key of ['stages', 'model_version', 'start_time', 'end_time', 'duration_minutes']) assert.ok(key in out, key);
    const ports = await openPorts(parseConfig({}), { backend: 'embedded', root });
    try {
      assert.deepEqual(await ports.records.list('retraining_runs'), []);
    } finally {
      await closePorts(ports);
    }
  });

  it('readable output lists each trigger', async () => {
    const r = await auto(['--mode', 'check', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✓ time_based/);
    assert.match(r.stdout, /✗ data_volume .*fewer than 500/);
  });
});

describe('retrain auto --at: one clock for the whole chain', () => {
  it('run ids, the version name, the run record and the decision all take the replayed instant', async () => {
    const config = path.join(root, 'quick.yaml');
    await writeFile(config, 'strategies:\n  full:\n    hyperparameterTuning: false\ntraining:\n  rounds: 3\n  maxDepth: 2\n  workers: 1\nvalidation:\n  qualityChecks:\n    minSamples: 50\n');
    const r = await auto(['--mode', 'force', '--config', config, '--json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout) as { run_id: string; model_version: string | null; stages: { retraining: { model_version: string } } };
    assert.equal(out.run_id, 'run_20260302T020000Z_force');
    const version = out.model_version ?? out.stages.retraining.model_version;
    assert.match(version, /^v_20260302_0200\d\d$/, 'the version is named after the replayed instant, not the wall clock');
    const ports = await openPorts(parseConfig({}), { backend: 'embedded', root });
    try {
      const run = await ports.records.get<{ createdAt: string; finishedAt: string }>('retraining_runs', out.run_id);
      assert.match(run!.data.createdAt, /^2026-03-02T02:0/);
      assert.match(run!.data.finishedAt, /^2026-03-02T02:/);
      const decision = await ports.records.get<{ evaluatedAt: string; request: { requestedAt: string; window: { end: string } } }>('trigger_decisions', 'dec_20260302T020000Z_force');
      assert.match(decision!.data.evaluatedAt, /^2026-03-02T02:00/);
      assert.equal(decision!.data.request.window.end, '2026-03-02T02:00:00.000Z');
      const manifest = JSON.parse((await ports.artifacts.get(`models/${version}/manifest.json`)).toString()) as { createdAt: string };
      assert.match(manifest.createdAt, /^2026-03-02T02:0/);
    } finally {
      await closePorts(ports);
    }
  });
});
