/**
 * `bin/retrain.js` started by a Node older than 24 re-runs itself on the Node 24 from
 * node_modules: a signal sent to the wrapper must reach that child, and the wrapper must exit
 * with the child's status (128 + the signal number when the child was killed by it).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

const BIN = path.resolve(import.meta.dirname, '../../bin/retrain.js');

/** A Node binary older than 24 on this machine (the system one), or null. */
function olderNode(): string | null {
  const candidates = new Set<string>();
  try {
    for (const line of execFileSync('which', ['-a', 'node'], { encoding: 'utf8' }).split('\n')) if (line.trim()) candidates.add(line.trim());
  } catch {
    // no `which`
  }
  for (const p of ['/usr/bin/node', '/usr/local/bin/node', '/bin/node']) candidates.add(p);
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    try {
      const v = execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      if (Number(v.split('.')[0]) < 24) return bin;
    } catch {
      // not runnable
    }
  }
  return null;
}

/** Pids of the direct children of `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return tasks ? tasks.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

const old = olderNode();
let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'signals-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('bin/retrain.js on an older Node', { skip: old ? false : 'no Node older than 24 on this machine: the wrapper never re-runs itself here' }, () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`passes ${signal} on to the Node 24 child and exits 128 + its number`, async () => {
      // A long command: simulating years of sessions takes minutes.
      const wrapper = spawn(old!, [BIN, 'simulate', '--days', '3000', '--users', '5000', '--root', path.join(root, signal)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      wrapper.stderr.on('data', (d) => (stderr += String(d)));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => wrapper.on('exit', (code, sig) => resolve({ code, signal: sig })));
      let child: number | undefined;
      try {
        // Wait for the child to be running the command (its first progress line).
        for (let i = 0; i < 600 && !(child && /simulate/.test(stderr)); i++) {
          child = childrenOf(wrapper.pid!)[0];
          await sleep(50);
        }
        assert.ok(child, `no child process of the wrapper; stderr: ${stderr}`);
        wrapper.kill(signal);
        const end = await exited;
        assert.equal(end.code, 128 + constants.signals[signal], `wrapper ended with ${JSON.stringify(end)}; stderr: ${stderr}`);
        for (let i = 0; i < 100 && alive(child); i++) await sleep(50);
        assert.equal(alive(child), false, `the Node 24 child ${child} outlived the wrapper`);
      } finally {
        if (child && alive(child)) process.kill(child, 'SIGKILL');
        if (wrapper.exitCode === null && wrapper.signalCode === null) wrapper.kill('SIGKILL');
      }
    });
  }

  it('exits with the status of a child that fails', async () => {
    const r = await new Promise<number | null>((resolve) => spawn(old!, [BIN, 'auto', '--mode', 'sideways'], { stdio: 'ignore' }).on('exit', resolve));
    assert.equal(r, 2);
  });
});
