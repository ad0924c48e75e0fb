/**
 * The exit codes of the real command (`bin/retrain.js` in a child process), as cron, CI and Cloud
 * Scheduler jobs read them: 0 success or nothing to do, 1 a failed run, 2 bad usage.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

const BIN = path.resolve(import.meta.dirname, '../../bin/retrain.js');
let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'exit-codes-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Run `retrain …` in a child process and return its exit code and output. */
async function retrain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A fresh store folder for one case. */
async function store(name: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

describe('retrain exit codes', () => {
  it('auto --mode force exits 1 when its run fails (no logs: the dataset aborts)', async () => {
    const r = await retrain(['auto', '--mode', 'force', '--root', await store('force-empty'), '--json']);
    assert.equal(JSON.parse(r.stdout).status, 'failed', r.stdout);
    assert.equal(r.code, 1, r.stderr);
  });

  it('auto --mode force exits 1 when the collection itself fails', async () => {
    const dir = await store('collect-fails');
    // The bucket folder is a file: writing the dataset fails for good.
    await mkdir(path.join(dir, '.retrain'), { recursive: true });
    await writeFile(path.join(dir, '.retrain', 'bucket'), 'not a folder');
    const r = await retrain(['auto', '--mode', 'force', '--root', dir]);
    assert.match(r.stdout, /Pipeline FAILED/);
    assert.match(r.stdout, /data_collection\s+failed/);
    assert.equal(r.code, 1, r.stderr);
  });

  it('start exits 1 when its run fails', async () => {
    const dir = await store('start-fails');
    const cfg = path.join(dir, 'strict.yaml');
    await writeFile(cfg, 'validation:\n  qualityChecks:\n    minSamples: 1000000\n    warnSamples: 1000000\n');
    const r = await retrain(['start', '--root', dir, '--config', cfg, '--json']);
    assert.equal(JSON.parse(r.stdout).pipeline.status, 'failed');
    assert.equal(r.code, 1, r.stderr);
  });

  it('exits 0 when there is nothing to do, and with help', async () => {
    const dir = await store('nothing');
    const cfg = path.join(dir, 'quiet.yaml');
    const off = ['timeBased', 'dataVolume', 'performance', 'drift'].map((t) => `  ${t}:\n    enabled: false\n`).join('');
    await writeFile(cfg, `triggers:\n${off}`);
    const r = await retrain(['auto', '--mode', 'scheduled', '--root', dir, '--config', cfg, '--json']);
    assert.equal(JSON.parse(r.stdout).status, 'skipped', r.stdout);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await retrain(['--help'])).code, 0);
  });

  it('stops quietly when the reader of its output goes away (EPIPE, as in `| head -c 10`)', async () => {
    const child = spawn(process.execPath, [BIN, 'models', 'current', '--json', '--root', await store('epipe')], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Close our end before the command writes: its write fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  it('exits 2 on bad usage: an unknown flag, a bad flag value, a bad config', async () => {
    assert.equal((await retrain(['auto', '--no-such-flag'])).code, 2);
    assert.equal((await retrain(['auto', '--mode', 'sideways'])).code, 2);
    const cfg = path.join(await store('bad-config'), 'bad.yaml');
    await writeFile(cfg, 'training:\n  rounds: -1\n');
    assert.equal((await retrain(['config', '--config', cfg])).code, 2);
  });
});
