/**
 * Benchmark of the training stage (`npm run bench:train`; `-- --rows 2000` for a quick run).
 *
 * 1. Not timed: simulate sessions into a temporary embedded store and collect two datasets of
 *    N rows each (two different weeks) into its bucket, as the pipeline does.
 * 2. In a fresh child process each (so peak RSS, worker threads included, is the phase's own):
 *    - full: `retrain full` without tuning on dataset A (becomes current);
 *    - full + tuning: with the 5-fold successive-halving search (budget from the config);
 *    - incremental: `retrain incremental` of the current version on dataset B;
 *    - incremental, kept: the same with the gates opened (threshold −1, any regression), so the
 *      write path (reference statistics, eleven model files, manifest, pointer) is timed too.
 * 3. Print wall and CPU seconds and peak RSS per phase against the targets (2-core machine):
 *    full with tuning ≤ 120 s, incremental ≤ 5 s, peak RSS ≤ 1 GiB. Wall time suffers when other
 *    processes share the cores; CPU seconds do not.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closePorts, openPorts } from '../functions/src/adapters/open.ts';
import { configHash, parseConfig } from '../functions/src/config/load.ts';
import type { RawLog } from '../functions/src/ports/index.ts';
import { simulateLogs } from '../functions/src/simulate/index.ts';
import { collect } from '../functions/src/stages/collect/collect.ts';
import { artifactTarget } from '../functions/src/stages/collect/dataset-target.ts';
import { runFullRetrain } from '../functions/src/stages/train/full.ts';
import { runIncrementalRetrain } from '../functions/src/stages/train/incremental.ts';

const TARGETS = { tunedSeconds: 120, incrementalSeconds: 5, rssMb: 1024 };
const A = 'datasets/bench_a/production_data.csv';
const B = 'datasets/bench_b/production_data.csv';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface PhaseResult {
  status: string;
  version: string | null;
  rows: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  detail: string;
}

/** Simulate two weeks of sessions and collect one dataset per week (capped at `rows`). */
async function prepare(root: string, rows: number): Promise<void> {
  const config = parseConfig({});
  const ports = await openPorts(config, { backend: 'embedded', root });
  try {
    const users = Math.ceil(rows / 4);
    let batch: RawLog[] = [];
    for (const log of simulateLogs({ users, sessionsPerDay: 1, days: 14, startDate: '2026-11-01', seed: 7 })) {
      batch.push(log);
      if (batch.length === 5000) await ports.logs.append(batch.splice(0));
    }
    if (batch.length) await ports.logs.append(batch);
    for (const [csv, start, end] of [[A, '2026-11-01', '2026-11-08'], [B, '2026-11-08', '2026-11-15']] as const) {
      const r = await collect(ports, {
        window: { start: new Date(`${start}T00:00:00Z`), end: new Date(`${end}T00:00:00Z`) },
        minSessionDurationMs: 0,
        maxSamples: rows,
        target: artifactTarget(ports.artifacts, csv),
        config,
        configHash: configHash(config),
      });
      process.stderr.write(`  ${csv}: ${r.metadata.total_samples} rows\n`);
    }
  } finally {
    await closePorts(ports);
  }
}

async function runPhase(phase: string, root: string): Promise<PhaseResult> {
  const config = parseConfig(phase === 'kept' ? { strategies: { incremental: { minImprovementThreshold: -1, maxOldDataRegression: 100 } } } : {});
  const ports = await openPorts(config, { backend: 'embedded', root });
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const common = { runId: `bench_${phase}_${process.pid}`, configHash: configHash(config) };
    const r =
      phase === 'incremental' || phase === 'kept'
        ? await runIncrementalRetrain(ports, config, { ...common, dataPath: B })
        : await runFullRetrain(ports, config, { ...common, dataPath: A, tune: phase === 'tuned', cvFolds: 5, compareWithCurrent: true });
    const seconds = (performance.now() - t0) / 1000;
    const d = process.cpuUsage(c0);
    const t = r.manifest?.tuning;
    const detail =
      r.status === 'success' && r.manifest
        ? `acc ${r.manifest.summary.meanAccuracy.toFixed(3)}, rmse ${r.manifest.summary.meanRmse.toFixed(3)}${t ? `; search ${(t.elapsedMs / 1000).toFixed(1)} s, plan ${t.plan.map((g) => `${g.candidates}×${g.rows}r×${g.folds}f`).join(' → ')}${t.budgetExhausted ? ' (budget cut)' : ''}` : ''}`
        : (r.reason ?? '');
    return { status: r.status, version: r.model_version, rows: r.samples_used, seconds, cpuSeconds: (d.user + d.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024, detail };
  } finally {
    await closePorts(ports);
  }
}

function child(phase: string, root: string): PhaseResult {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--phase', phase, '--root', root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const phase = arg('--phase');
if (phase) {
  process.stdout.write(`${JSON.stringify(await runPhase(phase, arg('--root')!))}\n`);
} else {
  const rows = Number(arg('--rows') ?? 10_000);
  const root = mkdtempSync(path.join(tmpdir(), 'bench-train-'));
  try {
    process.stderr.write(`preparing ${rows.toLocaleString('en-US')} rows per dataset from the simulator…\n`);
    await prepare(root, rows);
    const results: Array<[string, PhaseResult, number | null]> = [
      ['full (no tuning)', child('full', root), null],
      ['full + tuning (5 folds)', child('tuned', root), TARGETS.tunedSeconds],
      ['incremental', child('incremental', root), TARGETS.incrementalSeconds],
      ['incremental, kept', child('kept', root), TARGETS.incrementalSeconds],
    ];
    console.log(`\ntraining benchmark, ${rows.toLocaleString('en-US')} rows, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times are only meaningful on an otherwise idle machine)`);
    console.log(`${'phase'.padEnd(26)}${'status'.padEnd(16)}${'wall s'.padStart(9)}${'cpu s'.padStart(9)}${'peak RSS'.padStart(12)}  target`);
    for (const [name, r, target] of results) {
      const ok = (target === null || r.seconds <= target) && r.maxRssMb <= TARGETS.rssMb;
      console.log(
        `${name.padEnd(26)}${r.status.padEnd(16)}${r.seconds.toFixed(1).padStart(9)}${r.cpuSeconds.toFixed(1).padStart(9)}${`${r.maxRssMb.toFixed(0)} MB`.padStart(12)}  ${target === null ? '' : `≤ ${target} s, `}≤ ${TARGETS.rssMb} MB ${ok ? 'ok' : 'MISSED'}`,
      );
      console.log(`${''.padEnd(26)}${r.detail}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
