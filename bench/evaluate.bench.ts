/**
 * Benchmark of evaluation and comparison (`npm run bench:evaluate`; `-- --rows 20000` for a
 * quick run).
 *
 * 1. Not timed: simulate sessions into a temporary embedded store, collect an evaluation set of
 *    N rows (default 100k) and a 10k-row training set, and train two versions (A: the config's
 *    defaults; B: shallower trees) without tuning.
 * 2. In a fresh child process each (so peak RSS is the phase's own):
 *    - baseline: load both versions and predict the N rows with every model of each — the work
 *      any comparison must do;
 *    - evaluate: `retrain evaluate` of A on the N rows (every metric, latency, importance);
 *    - compare + plots: `retrain compare --generate-plots --export-report` of A and B.
 * 3. Print wall and CPU seconds and peak RSS against the targets (compare with plots on 100k rows
 *    ≤ 10 s and ≤ 512 MB) and each phase's ratio to the baseline measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closePorts, openPorts } from '../functions/src/adapters/open.ts';
import { configHash, parseConfig } from '../functions/src/config/load.ts';
import { predictBundle } from '../functions/src/models/bundle.ts';
import type { RawLog } from '../functions/src/ports/index.ts';
import { simulateLogs } from '../functions/src/simulate/index.ts';
import { collect } from '../functions/src/stages/collect/collect.ts';
import { artifactTarget } from '../functions/src/stages/collect/dataset-target.ts';
import { compareModels } from '../functions/src/stages/compare/compare-models.ts';
import { exportComparisonReport } from '../functions/src/stages/compare/export-report.ts';
import { evaluateModel, readEvaluationData } from '../functions/src/stages/evaluate/evaluate.ts';
import { resolveModel } from '../functions/src/stages/evaluate/model-ref.ts';
import { runFullRetrain } from '../functions/src/stages/train/full.ts';

const TARGETS = { compareSeconds: 10, rssMb: 512 };
const EVAL = 'datasets/bench_eval/production_data.csv';
const TRAIN = 'datasets/bench_train/production_data.csv';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface PhaseResult {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  detail: string;
}

/** Simulate a week, collect the evaluation and training sets, train versions A and B; returns their names. */
async function prepare(root: string, rows: number): Promise<[string, string]> {
  const config = parseConfig({});
  const ports = await openPorts(config, { backend: 'embedded', root });
  try {
    let batch: RawLog[] = [];
    for (const log of simulateLogs({ users: Math.ceil(rows / 5), sessionsPerDay: 1, days: 7, startDate: '2026-11-01', seed: 11 })) {
      batch.push(log);
      if (batch.length === 5000) await ports.logs.append(batch.splice(0));
    }
    if (batch.length) await ports.logs.append(batch);
    for (const [csv, max] of [[EVAL, rows], [TRAIN, 10_000]] as const) {
      const r = await collect(ports, {
        window: { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-08T00:00:00Z') },
        minSessionDurationMs: 0,
        maxSamples: max,
        target: artifactTarget(ports.artifacts, csv),
        config,
        configHash: configHash(config),
      });
      process.stderr.write(`  ${csv}: ${r.metadata.total_samples} rows\n`);
    }
    const versions: string[] = [];
    for (const [name, cfg] of [['a', config], ['b', parseConfig({ training: { maxDepth: 4, rounds: 60 } })]] as const) {
      const r = await runFullRetrain(ports, cfg, { dataPath: TRAIN, runId: `bench_${name}`, configHash: configHash(cfg), promoteFirst: false });
      versions.push(r.model_version!);
      process.stderr.write(`  version ${name.toUpperCase()}: ${r.model_version}\n`);
    }
    return [versions[0], versions[1]];
  } finally {
    await closePorts(ports);
  }
}

async function runPhase(phase: string, root: string, a: string, b: string): Promise<PhaseResult> {
  const config = parseConfig({});
  const ports = await openPorts(config, { backend: 'embedded', root });
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let detail = '';
    if (phase === 'baseline') {
      for (const v of [a, b]) {
        const m = await resolveModel(ports.artifacts, config, v);
        const table = await readEvaluationData(ports.artifacts, { path: EVAL }, m.bundle);
        predictBundle(m.bundle, table.values, table.rows);
        detail = `${table.rows} rows, 2 × 11 models`;
      }
    } else if (phase === 'evaluate') {
      const m = await resolveModel(ports.artifacts, config, a);
      const { report } = await evaluateModel(ports.artifacts, m, { path: EVAL }, { now: new Date() });
      detail = `mean accuracy ${report.summary.meanAccuracy.toFixed(3)}, ${report.latency.p50MsPer1k} ms per 1k rows`;
    } else {
      const { report } = await compareModels(ports.artifacts, config, { modelA: a, modelB: b, data: { path: EVAL }, now: new Date() });
      const out = await exportComparisonReport(report, { kind: 'dir', dir: path.join(root, 'report') }, { plots: true });
      detail = `${out.summary.winner} wins (${out.summary.b_wins.length} B, ${out.summary.a_wins.length} A), ${out.report?.charts.length} charts, bootstrap ${out.bootstrap.resamples} resamples`;
    }
    const seconds = (performance.now() - t0) / 1000;
    const d = process.cpuUsage(c0);
    return { seconds, cpuSeconds: (d.user + d.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024, detail };
  } finally {
    await closePorts(ports);
  }
}

function child(phase: string, root: string, a: string, b: string): PhaseResult {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--phase', phase, '--root', root, '--a', a, '--b', b], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const phase = arg('--phase');
if (phase) {
  process.stdout.write(`${JSON.stringify(await runPhase(phase, arg('--root')!, arg('--a')!, arg('--b')!))}\n`);
} else {
  const rows = Number(arg('--rows') ?? 100_000);
  const root = mkdtempSync(path.join(tmpdir(), 'bench-evaluate-'));
  try {
    process.stderr.write(`preparing ${rows.toLocaleString('en-US')} evaluation rows and two versions from the simulator…\n`);
    const [a, b] = await prepare(root, rows);
    const baseline = child('baseline', root, a, b);
    const results: Array<[string, PhaseResult, boolean]> = [
      ['baseline (load + predict)', baseline, false],
      ['evaluate A', child('evaluate', root, a, b), false],
      ['compare A/B + plots', child('compare', root, a, b), true],
    ];
    console.log(`\nevaluation benchmark, ${rows.toLocaleString('en-US')} rows, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`${'phase'.padEnd(28)}${'wall s'.padStart(8)}${'cpu s'.padStart(8)}${'× base'.padStart(8)}${'peak RSS'.padStart(11)}  target`);
    for (const [name, r, targeted] of results) {
      const ok = r.seconds <= TARGETS.compareSeconds && r.maxRssMb <= TARGETS.rssMb;
      console.log(
        `${name.padEnd(28)}${r.seconds.toFixed(2).padStart(8)}${r.cpuSeconds.toFixed(2).padStart(8)}${(r.seconds / baseline.seconds).toFixed(2).padStart(8)}${`${r.maxRssMb.toFixed(0)} MB`.padStart(11)}  ${targeted ? `≤ ${TARGETS.compareSeconds} s, ≤ ${TARGETS.rssMb} MB ${ok ? 'ok' : 'MISSED'}` : ''}`,
      );
      console.log(`${''.padEnd(28)}${r.detail}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
