/**
 * `kill -9` for real: a child process runs the chain and kills itself (SIGKILL, via
 * `RETRAIN_FAULT_EXIT_AT=<n>`) at a boundary of each stage — collect claimed, the dataset announced,
 * a model file of the version, the version announced, the deployment half-recorded. This process
 * then reruns the slot at once (same clock, no waiting for the 10-minute stage lease): the run
 * must be resumed and succeed, with the store's invariants and everything it held before. The
 * children run two at a time, each on its own copy of the store.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { currentOwner } from '../../functions/src/runs/stage-owner.ts';
import type { WriteEvent } from './fault-ports.ts';
import { RUN_AT, buildTemplate, copyStore, judge, openProc, readRun, runForced, snapshot, type Store } from './harness.ts';
import { FaultTable } from './report.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.ts');
const RUN_ID = 'run_20260309T020000Z_force';

/** The stage boundaries to kill the process at, as predicates on a clean run's writes. */
const BOUNDARIES: Array<[string, (w: WriteEvent) => boolean]> = [
  ['collect claimed, before the CSV', (w) => w.op === 'putStream'],
  ['dataset complete, before dataset-ready', (w) => w.op === 'publish' && w.target === 'dataset-ready'],
  ['train claimed, mid-version (a model file)', (w) => /\/models\/css_var_3\.json$/.test(w.target)],
  ['train recorded, before model-trained', (w) => w.op === 'publish' && w.target === 'model-trained'],
  ['serving state moved, before its deployment record', (w) => w.op === 'create' && w.target.startsWith('deployments/')],
];

/** A child that ran until its crash point: how it ended and what it printed. */
interface Killed {
  at: WriteEvent;
  store: Store;
  before: Map<string, string>;
  signal: NodeJS.Signals | null;
  status: number | null;
  stderr: string;
}

/** Run the crash child on `store` until its `n`th write. */
function crashChild(store: Store, n: number): Promise<Pick<Killed, 'signal' | 'status' | 'stderr'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, store.dir, RUN_AT], { env: { ...process.env, RETRAIN_FAULT_EXIT_AT: String(n) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ signal, status, stderr }));
  });
}

describe('kill -9 at every stage, then the rerun', { skip: !currentOwner().boot && 'no kernel boot id here: a killed process is told from a live one by its lease only' }, () => {
  const table = new FaultTable('process-exit');
  let template: Store;
  const killed = new Map<string, Killed>();
  before(async () => {
    template = await buildTemplate();
    const clean = copyStore(template);
    const proc = await openProc(clean, RUN_AT);
    await runForced(proc, RUN_AT);
    await proc.close();
    clean.remove();
    const todo = BOUNDARIES.map(([boundary, match]) => ({ boundary, at: proc.faults.writes.find(match) }));
    const work = async () => {
      for (let next = todo.shift(); next; next = todo.shift()) {
        assert.ok(next.at, `a write matches "${next.boundary}"`);
        const store = copyStore(template);
        const before = await snapshot(store);
        killed.set(next.boundary, { at: next.at, store, before, ...(await crashChild(store, next.at.n)) });
      }
    };
    await Promise.all([work(), work()]);
  });
  after(() => {
    table.write();
    for (const k of killed.values()) k.store.remove();
    template?.remove();
  });

  for (const [boundary] of BOUNDARIES) {
    it(`killed at: ${boundary}`, async () => {
      const { at, store, before, signal, status, stderr } = killed.get(boundary)!;
      const problems: string[] = [];
      if (signal !== 'SIGKILL') problems.push(`the child ended ${signal ?? `with status ${status}`}: ${stderr.slice(-500)}`);
      // Killed before the run ended, it is left running; killed in the deployer, it has ended.
      const left = await readRun(store, RUN_ID);
      if (left?.status === 'failed') problems.push(`after the kill the run failed: ${left.error?.message}`);
      const rerun = await openProc(store, RUN_AT);
      try {
        const attempt = await runForced(rerun, RUN_AT);
        if (attempt.died || attempt.outcome.result.status !== 'success') problems.push(`the rerun did not succeed: ${attempt.died ? 'died' : JSON.stringify({ status: attempt.outcome.result.status, error: attempt.outcome.result.error })}`);
        else if ((attempt.outcome.result.stages.deployment as { status?: string }).status !== 'applied') problems.push(`not deployed: ${JSON.stringify(attempt.outcome.result.stages.deployment)}`);
      } finally {
        await rerun.close();
      }
      const run = await readRun(store, RUN_ID);
      if (run?.status !== 'succeeded') problems.push(`the run ended ${run?.status}`);
      const verdict = await judge(store, before);
      problems.push(...verdict.problems);
      table.add({ category: 'kill -9 (child process)', fault: `SIGKILL before write ${at.n} (${at.op} ${at.target}): ${boundary}`, survived: problems.length === 0, lost: verdict.lost, problems });
      assert.deepEqual(problems, []);
    });
  }
});
