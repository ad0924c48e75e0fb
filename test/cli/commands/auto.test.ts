import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
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
