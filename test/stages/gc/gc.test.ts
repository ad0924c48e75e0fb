/**
 * `retrain gc` on the embedded store: what crashed runs leave behind is found and removed, what is
 * complete or still being worked on is kept, and runs stuck in a stage are marked failed.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FolderArtifactStore } from '../../../functions/src/adapters/embedded/folder-artifact-store.ts';
import { collectGarbage } from '../../../functions/src/stages/gc/gc.ts';
import { applyStage, getRun, newRun } from '../../../functions/src/runs/run-record.ts';
import { currentOwner } from '../../../functions/src/runs/stage-owner.ts';
import { openTestEnv, type TestEnv } from '../pipeline/fixtures.ts';

const BIN = path.resolve(import.meta.dirname, '../../../bin/retrain.js');
const HOUR = 3_600_000;
// The clock runs two hours ahead of the files' real modification times: every file is "old".
const NOW = Date.now() + 2 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

let env: TestEnv;
let bucket: string;

async function addRun(runId: string, trainStartedAt: number): Promise<void> {
  const run = applyStage(newRun(runId, new Date(trainStartedAt - 60_000)), 'train', 'running', {}, new Date(trainStartedAt));
  await env.ports.records.create('retraining_runs', runId, JSON.parse(JSON.stringify(run)));
}

async function put(p: string, body = '{}'): Promise<void> {
  await env.ports.artifacts.put(p, body);
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** Lay out one of each kind of leftover, and the things that must stay. */
async function layOut(): Promise<void> {
  // Complete version: kept.
  await put('models/v_20260101_000000/scaler.json');
  await put('models/v_20260101_000000/manifest.json');
  // Incomplete version of a run whose train stage died two hours ago: removed, run failed.
  await put('models/claims/v_20260102_000000.json', JSON.stringify({ version: 'v_20260102_000000', runId: 'run_dead', claimedAt: iso(NOW - 2 * HOUR) }));
  await put('models/v_20260102_000000/scaler.json');
  await put('models/v_20260102_000000/models/density.json');
  await addRun('run_dead', NOW - 2 * HOUR);
  // Incomplete version of a run still training: kept.
  await put('models/claims/v_20260103_000000.json', JSON.stringify({ version: 'v_20260103_000000', runId: 'run_live', claimedAt: iso(NOW - 60_000) }));
  await put('models/v_20260103_000000/scaler.json');
  await addRun('run_live', NOW - 60_000);
  // Incomplete version nobody claims: removed after the grace period.
  await put('models/v_20260104_000000/labels.json');
  // Datasets: one without metadata (removed), one complete (kept), one of the live run (kept).
  await put('datasets/run_crashed/production_data.csv', 'a,b\n');
  await put('datasets/run_ok/production_data.csv', 'a,b\n');
  await put('datasets/run_ok/production_data_metadata.json');
  await put('datasets/run_live/production_data.csv', 'a,b\n');
  // Scratch files: an old temp (removed), a fresh one (kept), a dead owner's lock (removed), a live one (kept).
  const dir = path.join(bucket, 'models', 'v_20260101_000000');
  writeFileSync(path.join(dir, '.~tmp-old'), 'partial');
  writeFileSync(path.join(dir, '.~tmp-fresh'), 'partial');
  utimesSync(path.join(dir, '.~tmp-fresh'), new Date(NOW), new Date(NOW));
  writeFileSync(path.join(dir, '.~lock-dead'), JSON.stringify({ pid: deadPid(), host: hostname(), acquiredAt: NOW, expiresAt: NOW + HOUR, token: 'd' }));
  writeFileSync(path.join(dir, '.~lock-live'), JSON.stringify({ pid: process.pid, host: hostname(), acquiredAt: Date.now(), expiresAt: Date.now() + 10 * HOUR, token: 'l' }));
}

before(async () => {
  env = await openTestEnv(iso(NOW));
  bucket = (env.ports.artifacts as FolderArtifactStore).root;
  await layOut();
});
after(async () => {
  await env.close();
});

describe('retrain gc', () => {
  it('--dry-run reports every orphan and changes nothing', async () => {
    const r = await collectGarbage(env.ports, env.config, { dryRun: true });
    assert.deepEqual(r.runs.map((x) => x.runId), ['run_dead']);
    assert.deepEqual(r.versions.map((x) => x.version).sort(), ['v_20260102_000000', 'v_20260104_000000']);
    assert.deepEqual(r.datasets.map((x) => x.runId), ['run_crashed']);
    assert.deepEqual(r.scratch.map((x) => path.basename(x.location)).sort(), ['.~lock-dead', '.~tmp-old']);
    assert.equal((await getRun(env.ports, 'run_dead'))?.status, 'running');
    assert.ok(await env.ports.artifacts.exists('models/v_20260102_000000/scaler.json'));
    assert.ok(existsSync(path.join(bucket, 'models', 'v_20260101_000000', '.~tmp-old')));
  });

  it('the command prints the same with --dry-run --json, and readably', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) =>
        execFile(process.execPath, [BIN, 'gc', '--root', env.root, ...args], { encoding: 'utf8' }, (err, stdout) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout })),
      );
    // The real clock: the files are fresh, so only the dead lock and nothing else is due.
    const json = await run(['--dry-run', '--json']);
    assert.equal(json.code, 0);
    const r = JSON.parse(json.stdout);
    assert.equal(r.dryRun, true);
    assert.ok(r.scratch.some((x: { location: string }) => x.location.endsWith('.~lock-dead')));
    const human = await run(['--dry-run', '--grace-minutes', '0']);
    assert.match(human.stdout, /would remove version v_20260104_000000: 1 objects/);
    assert.match(human.stdout, /would remove dataset of run run_crashed/);
    assert.match(human.stdout, /dry run: nothing changed/);
    assert.ok(await env.ports.artifacts.exists('datasets/run_crashed/production_data.csv'));
  });

  it('removes the orphans, marks the dead run failed with the reason, and keeps the rest', async () => {
    await collectGarbage(env.ports, env.config);
    const dead = await getRun(env.ports, 'run_dead');
    assert.equal(dead?.status, 'failed');
    assert.equal(dead?.stages.train?.status, 'failed');
    assert.equal(dead?.error?.code, 'LEASE_EXPIRED');
    assert.match(dead?.error?.message ?? '', /train running since .* past the 10 min stage lease/);
    assert.equal((await getRun(env.ports, 'run_live'))?.status, 'running');
    const left = (await env.ports.artifacts.list('')).map((o) => o.path);
    assert.deepEqual(left.filter((p) => p.startsWith('models/v_')), [
      'models/v_20260101_000000/manifest.json',
      'models/v_20260101_000000/scaler.json',
      'models/v_20260103_000000/scaler.json',
    ]);
    assert.deepEqual(left.filter((p) => p.startsWith('datasets/')), [
      'datasets/run_live/production_data.csv',
      'datasets/run_ok/production_data.csv',
      'datasets/run_ok/production_data_metadata.json',
    ]);
    assert.ok(left.includes('models/claims/v_20260102_000000.json'), 'the claim stays, so a rerun of the run writes the same version');
    assert.deepEqual(readdirSync(path.join(bucket, 'models', 'v_20260101_000000')).filter((n) => n.startsWith('.~')).sort(), ['.~lock-live', '.~tmp-fresh']);
    const again = await collectGarbage(env.ports, env.config);
    assert.equal(again.runs.length + again.versions.length + again.datasets.length + again.scratch.length, 0);
  });

  it('fails at once a run whose stage was claimed by a process of this machine that is gone', { skip: !currentOwner().boot && 'no kernel boot id here: claims end with their lease only' }, async () => {
    const run = applyStage(newRun('run_gone', new Date(NOW - 120_000)), 'collect', 'running', {}, new Date(NOW - 60_000));
    run.stages.collect!.owner = { ...currentOwner(), pid: deadPid() };
    await env.ports.records.create('retraining_runs', 'run_gone', JSON.parse(JSON.stringify(run)));
    const r = await collectGarbage(env.ports, env.config);
    assert.deepEqual(r.runs.map((x) => x.runId), ['run_gone']);
    const gone = await getRun(env.ports, 'run_gone');
    assert.equal(gone?.status, 'failed');
    assert.match(gone?.error?.message ?? '', /collect running since .*, its process \(pid \d+ on .+\) is gone/);
  });

  it('keeps an incomplete dataset younger than the grace period', async () => {
    mkdirSync(path.join(bucket, 'datasets', 'run_young'), { recursive: true });
    await put('datasets/run_young/production_data.csv', 'a\n');
    const r = await collectGarbage({ ...env.ports, clock: { now: () => new Date() } }, env.config, { dryRun: true });
    assert.ok(!r.datasets.some((d) => d.runId === 'run_young'));
  });
});
