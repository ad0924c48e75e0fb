/**
 * A crash point at every stage boundary and every artefact write of a run (check, with its rollup pass → collect →
 * validate → train → gate → deploy): the run's writes are listed from a clean run and grouped by
 * write site (the 11 model files and the 6 charts are one loop each); each site fails once, at a
 * seeded member of the site with a seeded kind (transient, permanent, or the process dying). Then
 * a fresh process reruns the slot — or, when the run failed for good, the next slot — and must
 * succeed at once; the store must then hold every invariant and every complete object it held.
 * `FAULT_SEED=n` picks other members and kinds; `FAULT_ALL=1` fails every write with every kind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isTransient } from '../../functions/src/shared/errors.ts';
import { currentOwner } from '../../functions/src/runs/stage-owner.ts';
import { rng } from '../../functions/src/stages/train/random.ts';
import { FaultInjector, type FaultKind, type WriteEvent } from './fault-ports.ts';
import { NEXT_AT, RUN_AT, buildTemplate, copyStore, lost, openProc, readRun, runForced, snapshot, violations, type Store } from './harness.ts';
import { FaultTable } from './report.ts';

const SEED = Number(process.env.FAULT_SEED ?? 1);
const ALL = process.env.FAULT_ALL === '1';
/** A process that dies is told from a live one by its pid only where the kernel has a boot id (Linux). */
const KINDS: FaultKind[] = currentOwner().boot ? ['transient', 'permanent', 'die'] : ['transient', 'permanent'];
const RUN_ID = 'run_20260309T020000Z_force';

/** The write site of a write: its target with names made generic, and the loops folded. */
function siteOf(w: WriteEvent): string {
  const target = w.target
    .replace(/v_\d{8}_\d{6}(_[a-z0-9]+)*/g, 'v_…')
    .replace(/run_\d{8}T\d{6}Z_\w+/g, '<run>')
    .replace(/\/models\/[^/]+\.json$/, '/models/<target>.json')
    .replace(/\/charts\/[^/]+\.svg$/, '/charts/<kind>.svg')
    // The check's rollup pass: one site per kind of bucket (test/faults/rollup.test.ts fails each write).
    .replace(/\/(hour|day)_[\dT-]+$/, '/$1_…');
  return `${w.op} ${target}`;
}

/** Crash points: one per site (seeded member and kind), or every write with every kind. */
function plan(writes: WriteEvent[]): Array<{ at: number; kind: FaultKind; label: string }> {
  if (ALL) return writes.flatMap((w) => KINDS.map((kind) => ({ at: w.n, kind, label: `${kind} at write ${w.n}: ${w.op} ${w.target}` })));
  const random = rng(SEED, 11);
  const sites = new Map<string, WriteEvent[]>();
  for (const w of writes) {
    // A repeated write that is not a loop (a run record update, the binding) is a site per occurrence.
    const site = siteOf(w);
    const loop = site.includes('<target>') || site.includes('<kind>');
    const key = loop ? site : `${site} #${[...sites.keys()].filter((k) => k.startsWith(`${site} #`)).length + 1}`;
    sites.set(key, [...(sites.get(key) ?? []), w]);
  }
  const offset = Math.floor(random() * KINDS.length);
  return [...sites].map(([site, members], i) => {
    const w = members[Math.floor(random() * members.length)];
    const kind = KINDS[(i + offset) % KINDS.length];
    return { at: w.n, kind, label: `${kind} at write ${w.n}: ${site}` };
  });
}

describe('a crash point at every stage boundary and artefact write', () => {
  const table = new FaultTable('crash-points');
  let template: Store;
  let writes: WriteEvent[];
  before(async () => {
    template = await buildTemplate();
    const clean = copyStore(template);
    const proc = await openProc(clean, RUN_AT);
    const attempt = await runForced(proc, RUN_AT);
    await proc.close();
    assert.ok(!attempt.died && attempt.outcome.result.status === 'success', 'the clean run succeeds');
    writes = proc.faults.writes;
    assert.deepEqual(await violations(clean), []);
    clean.remove();
  });
  after(() => {
    table.write();
    template?.remove();
  });

  it(`fails each site once (seed ${SEED}${ALL ? ', every write with every kind' : ''}) and survives every one`, async () => {
    const points = plan(writes);
    assert.ok(points.length >= 20, `${points.length} crash points`);
    for (const point of points) {
      const store = copyStore(template);
      const problems: string[] = [];
      const before = await snapshot(store);
      try {
        // 1. The run, failing at its crash point.
        const proc = await openProc(store, RUN_AT, new FaultInjector({ at: point.at, kind: point.kind }));
        try {
          await runForced(proc, RUN_AT);
        } catch (err) {
          // Only the caller of the chain sees this (the checker's own writes): the scheduler retries.
          if (!isTransient(err) && !/fault injected/.test(String(err))) throw err;
        } finally {
          await proc.close();
        }
        if (!proc.faults.fired) problems.push('the crash point was never reached');
        const run = await readRun(store, RUN_ID);
        if (run?.status === 'failed' && !/fault injected/.test(run.error?.message ?? '')) problems.push(`the run failed for another reason: ${run.error?.message}`);
        // 2. The rerun: the same slot (a restarted process, a retried schedule); after a run that
        //    failed for good, the next one.
        const rerunAt = run?.status === 'failed' ? NEXT_AT : RUN_AT;
        const again = await openProc(store, rerunAt);
        try {
          const attempt = await runForced(again, rerunAt);
          if (attempt.died) problems.push('the rerun died');
          else if (attempt.outcome.result.status !== 'success') problems.push(`the rerun ended ${attempt.outcome.result.status}: ${attempt.outcome.result.error ?? attempt.outcome.result.reason ?? ''}`);
          else {
            const deployment = attempt.outcome.result.stages.deployment as { status?: string } | undefined;
            if (deployment?.status !== 'applied') problems.push(`the rerun's version was not deployed: ${JSON.stringify(deployment)}`);
          }
        } finally {
          await again.close();
        }
        problems.push(...(await violations(store)));
        const gone = lost(before, await snapshot(store));
        if (gone.length) problems.push(`lost: ${gone.join(', ')}`);
        table.add({ category: `crash: ${point.kind}`, fault: point.label, survived: problems.length === 0, lost: gone.length, problems });
      } finally {
        store.remove();
      }
    }
    const failed = table.rows.filter((r) => !r.survived);
    assert.deepEqual(failed.map((r) => `${r.fault}: ${r.problems.join('; ')}`), []);
  });
});
