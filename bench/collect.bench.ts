/**
 * Benchmark of the collection stage (`npm run bench:collect`, `-- --logs 100000` for a quick run).
 *
 * 1. Fill a temporary embedded store with N simulated sessions (1 % malformed), and the same
 *    documents as JSON text in a plain SQLite table for the baseline (not timed).
 * 2. In a fresh child process each (so peak RSS is the phase's own):
 *    - collect: the real stage with its defaults, embedded log store → CSV file (+ report,
 *      metadata); from `CSV_WORKER_MIN_ROWS` rows on a machine with a second core, the defaults
 *      format the CSV text in a worker thread;
 *    - collect-inline: the same with `csvWorker: false` (everything on one thread, as on a
 *      one-core machine);
 *    - baseline: the naive loop — `SELECT json FROM docs` in window order, `JSON.parse`, and
 *      `InteractionLogSchema.safeParse`, row by row, nothing written.
 * 3. Print logs/s and peak RSS of both and the ratio. Targets: ≥ 200,000 logs/s, < 256 MB.
 *
 * `--repeat N` runs each phase N times and reports the median of each measure (the machine may
 * be shared: CPU seconds are steadier than wall time, and the medians steadier than one run).
 * `--root DIR` keeps the filled store in DIR (reused when run again), for profiling one phase:
 * `node --cpu-prof bench/collect.bench.ts --phase collect --root DIR`.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { closePorts, openPorts } from '../functions/src/adapters/open.ts';
import { configHash, parseConfig } from '../functions/src/config/load.ts';
import { InteractionLogSchema } from '../functions/src/data/log-schema.ts';
import type { RawLog } from '../functions/src/ports/index.ts';
import { simulateLogs } from '../functions/src/simulate/index.ts';
import { collect, CSV_WORKER_MIN_ROWS } from '../functions/src/stages/collect/collect.ts';
import { fileTarget } from '../functions/src/stages/collect/dataset-target.ts';

const TARGET_LOGS_PER_S = 200_000;
const TARGET_RSS_MB = 256;
const START = '2026-01-01';
const WINDOW = { start: new Date(`${START}T00:00:00.000Z`), end: new Date('2027-01-01T00:00:00.000Z') };

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface PhaseResult {
  logs: number;
  rows: number;
  /** Wall-clock seconds of the phase. */
  seconds: number;
  /** CPU seconds (user + system) of the phase: stable when other processes share the cores. */
  cpuSeconds: number;
  maxRssMb: number;
}

const cpuSince = (c: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6;
};

const rssMb = () => process.resourceUsage().maxRSS / 1024;

/** The stage as the pipeline runs it (every log read: no minimum duration, no cap); `csvWorker` unset: the default. */
async function runCollect(root: string, csvWorker?: boolean): Promise<PhaseResult> {
  const config = parseConfig({});
  const ports = await openPorts(config, { backend: 'embedded', root });
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await collect(ports, {
      window: WINDOW,
      minSessionDurationMs: 0,
      maxSamples: Number.MAX_SAFE_INTEGER,
      target: fileTarget(path.join(root, 'out', 'production_data.csv')),
      config,
      configHash: configHash(config),
      csvWorker,
    });
    const seconds = (performance.now() - t0) / 1000;
    return { logs: r.metadata.logs_read, rows: r.metadata.total_samples, seconds, cpuSeconds: cpuSince(c0), maxRssMb: rssMb() };
  } finally {
    await closePorts(ports);
  }
}

/** The naive loop: JSON text per row, parsed and validated with zod. */
function runBaseline(root: string): PhaseResult {
  const db = new DatabaseSync(path.join(root, 'baseline.sqlite'), { readOnly: true });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let logs = 0;
  let rows = 0;
  const stmt = db.prepare('SELECT json FROM docs WHERE ts >= ? AND ts < ? ORDER BY ts, id');
  for (const row of stmt.iterate(WINDOW.start.getTime(), WINDOW.end.getTime())) {
    logs++;
    if (InteractionLogSchema.safeParse(JSON.parse(row.json as string)).success) rows++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSince(c0);
  db.close();
  return { logs, rows, seconds, cpuSeconds, maxRssMb: rssMb() };
}

async function fill(root: string, n: number): Promise<void> {
  const config = parseConfig({});
  const ports = await openPorts(config, { backend: 'embedded', root });
  const db = new DatabaseSync(path.join(root, 'baseline.sqlite'));
  db.exec('PRAGMA journal_mode = WAL; CREATE TABLE docs (id TEXT PRIMARY KEY, ts INTEGER, json TEXT NOT NULL); CREATE INDEX docs_ts ON docs (ts, id)');
  const insert = db.prepare('INSERT INTO docs (id, ts, json) VALUES (?, ?, ?)');
  // 20,000 sessions a day: enough days for n logs, all inside WINDOW.
  const users = 4000;
  const days = Math.max(1, Math.ceil(n / (users * 5)));
  let batch: RawLog[] = [];
  let written = 0;
  const flush = async () => {
    await ports.logs.append(batch);
    db.exec('BEGIN');
    for (const log of batch) {
      const ts = (log.data as { timestamp?: unknown } | null)?.timestamp;
      insert.run(log.id, typeof ts === 'string' ? Date.parse(ts) : typeof ts === 'number' ? ts : null, JSON.stringify(log.data));
    }
    db.exec('COMMIT');
    written += batch.length;
    batch = [];
    if (written % 100_000 === 0) process.stderr.write(`  filled ${written.toLocaleString('en-US')} / ${n.toLocaleString('en-US')}\n`);
  };
  for (const log of simulateLogs({ users, sessionsPerDay: 5, days, startDate: START, badLogRate: 0.01, seed: 7 })) {
    batch.push(log);
    if (batch.length === 5000) await flush();
    if (written + batch.length >= n) break;
  }
  if (batch.length) await flush();
  db.close();
  await closePorts(ports);
}

function child(phase: string, root: string): PhaseResult {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--phase', phase, '--root', root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

/** Each measure's median over `runs` fresh processes. */
function medianOf(phase: string, root: string, runs: number): PhaseResult {
  const results = Array.from({ length: runs }, () => child(phase, root));
  const median = (key: 'seconds' | 'cpuSeconds' | 'maxRssMb') => results.map((r) => r[key]).sort((a, b) => a - b)[(runs - 1) >> 1];
  return { logs: results[0].logs, rows: results[0].rows, seconds: median('seconds'), cpuSeconds: median('cpuSeconds'), maxRssMb: median('maxRssMb') };
}

const phase = arg('--phase');
if (phase) {
  const root = arg('--root')!;
  const r = phase === 'baseline' ? runBaseline(root) : await runCollect(root, phase === 'collect-inline' ? false : undefined);
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  const n = Number(arg('--logs') ?? 1_000_000);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--logs must be a positive integer, got ${arg('--logs')}`);
  const runs = Number(arg('--repeat') ?? 1);
  if (!Number.isInteger(runs) || runs <= 0) throw new Error(`--repeat must be a positive integer, got ${arg('--repeat')}`);
  const keep = arg('--root');
  const root = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), 'collect-bench-'));
  try {
    console.log(`collect benchmark: ${n.toLocaleString('en-US')} simulated logs (1 % malformed), Node ${process.version}`);
    if (!existsSync(path.join(root, 'baseline.sqlite'))) {
      mkdirSync(root, { recursive: true });
      const tf = performance.now();
      await fill(root, n);
      console.log(`  store filled in ${((performance.now() - tf) / 1000).toFixed(1)} s (not counted)`);
    } else console.log(`  reusing the store in ${root}`);
    if (runs > 1) console.log(`  each phase run ${runs} times: medians`);
    const base = medianOf('baseline', root, runs);
    const ours = medianOf('collect', root, runs);
    const inline = medianOf('collect-inline', root, runs);
    const rate = (r: PhaseResult) => r.logs / r.seconds;
    const cpuRate = (r: PhaseResult) => r.logs / r.cpuSeconds;
    const k = (x: number) => Math.round(x).toLocaleString('en-US').padStart(9);
    const fmt = (r: PhaseResult) =>
      `${k(rate(r))} logs/s (${k(cpuRate(r))} per CPU-s)  ${r.seconds.toFixed(2).padStart(6)} s  peak RSS ${r.maxRssMb.toFixed(0).padStart(4)} MB  (${r.logs.toLocaleString('en-US')} logs → ${r.rows.toLocaleString('en-US')} rows)`;
    console.log(`  baseline (JSON.parse + zod)   ${fmt(base)}`);
    const worker = availableParallelism() > 1 && n >= CSV_WORKER_MIN_ROWS;
    console.log(`  collect stage (→ CSV)         ${fmt(ours)}${worker ? '  (defaults: CSV text formatted in a worker thread)' : ''}`);
    console.log(`  … on one thread (no worker)   ${fmt(inline)}`);
    const csv = statSync(path.join(root, 'out', 'production_data.csv')).size;
    console.log(
      `  CSV ${(csv / 1e6).toFixed(1)} MB; vs baseline: speed ×${(rate(ours) / rate(base)).toFixed(2)} (wall), ×${(cpuRate(ours) / cpuRate(base)).toFixed(2)} (CPU); peak RSS ×${(ours.maxRssMb / base.maxRssMb).toFixed(2)}; one thread: ×${(rate(inline) / rate(base)).toFixed(2)} (wall)`,
    );
    const okRate = rate(ours) >= TARGET_LOGS_PER_S;
    const okRss = ours.maxRssMb < TARGET_RSS_MB;
    const okCpu = cpuRate(ours) >= TARGET_LOGS_PER_S;
    console.log(
      `  target ≥ ${TARGET_LOGS_PER_S.toLocaleString('en-US')} logs/s: ${okRate ? 'met' : 'NOT met'} (wall), ${okCpu ? 'met' : 'NOT met'} (per CPU-s); target < ${TARGET_RSS_MB} MB: ${okRss ? 'met' : 'NOT met'}`,
    );
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}
