/**
 * Benchmark of the live readers on rollups against a rescan of every session (`npm run bench:live`,
 * `-- --sizes 100000` for a quick run, `-- --help` for the options).
 *
 * For each size N (default 100k, 1M and 10M simulated sessions, spread over the 30 days before the
 * bench's NOW, on the embedded default: SQLite + a local folder + the in-process bus):
 *
 * 1. Build the store once (not timed; kept and reused with `--root DIR`): two small real versions
 *    trained on a small seed history before the window (quick training config), v1 deployed
 *    `immediate` and v2 as a 25 % canary at the start of the window, watched for 31 days
 *    (`deployment.monitoringHours` 744, so at NOW the canary is still under watch). The sessions
 *    themselves come from the simulator with a cheap `serve` — the real canary assignment
 *    (`assignVariant`, a hash of the user id under the canary's salt) naming v1/current or
 *    v2/canary, the default stylesheet for v1's users and a context heuristic for the canary's
 *    (better, so the canary is never significantly worse) — 1 % malformed, appended in batches of
 *    10,000. Then an initial rollup pass of the whole window, timed on its own ("initial rollup").
 * 2. Phases, each in a fresh child process (so wall time, CPU time and peak RSS are the phase's
 *    own), each both ways — from the rollups as the deployed functions read them
 *    (`LIVE_FROM_ROLLUPS`: no refresh pass) and by a rescan of every session (`{ source: 'rescan' }`):
 *    - dashboard: `dashboardData(ports, config, { now: NOW, trendDays: 30, live })`;
 *    - watcher: `watchDeployments(ports, config, { now: NOW, live })` — the canary under watch and
 *      not worse, so it answers `wait`; checked (verdict, no change, the serving state's generation
 *      unchanged), else the phase fails;
 *    - check: `decide(ports, config, { mode: 'check', at: NOW, dryRun: true, live })` (auto --mode check);
 *    - rollup: one new hour of sessions at N's traffic rate appended after the watermark (not timed),
 *      then `rollupPass(ports, config, { to: watermark + 1 h })` — logs/s over the documents it read
 *      (the new hour and the `overlapHours` before the old watermark); baseline: a plain scan of the
 *      same documents (`ports.logs.pages` + `validateLog`, nothing computed, nothing written).
 *    Documents read: log documents returned by `ports.logs.pages`, calls of `ports.logs.count` (one
 *    aggregate read each; their seconds are shown apart, since on SQLite a count scans its window's
 *    index entries — the data-volume trigger's count is the one read that grows with N) and records
 *    returned by the record store's `get`/`list` (the ports are wrapped); model artefacts are not
 *    counted. Both ways must give the same answer (a digest of the result, without the fields naming
 *    the source, is compared; a difference is printed as ANSWERS DIFFER).
 * 3. A table per N, then the goals with PASS/MISS: dashboard and watcher ≤ 1 s and ≤ 500 documents
 *    read at 10M (at the largest size run when 10M is not), and flat from the smallest size to the
 *    largest (time ≤ ×1.5 + 50 ms, documents ≤ ×1.1); a rollup pass ≥ 200,000 logs/s at every size;
 *    memory flat in N (peak RSS ≤ ×1.25 + 16 MB), for the readers from the rollups and for the pass.
 *    The machine may be shared: CPU seconds are shown next to wall time, and `--repeat` gives medians.
 *
 * Disk: before building a size, the free space is compared with what it needs (the bytes per session
 * of a size built before, else 1 kB); a size that does not fit is skipped and said so.
 * `--repeat R` runs each phase R times and reports medians. `--fresh-rollups` (with `--root`) deletes a
 * kept store's rollups and the hours earlier runs appended, and measures its initial pass again. `--json` prints every number as JSON
 * instead of the tables. `--root DIR` keeps the stores in DIR/n<N> (reused when run again), for
 * profiling one phase: `node --cpu-prof bench/live.bench.ts --phase rollup --root DIR/n1000000`
 * (a rollup phase appends its hour first: `--phase append-hour` once, then `--phase rollup`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { embeddedPaths } from '../functions/src/adapters/embedded/index.ts';
import { openDatabase, tableName } from '../functions/src/adapters/embedded/sqlite.ts';
import { closePorts, openPorts } from '../functions/src/adapters/open.ts';
import { parseConfig } from '../functions/src/config/load.ts';
import type { RetrainingConfig } from '../functions/src/config/schema.ts';
import type { SessionContext } from '../functions/src/data/log-schema.ts';
import { FONT_SCALE_OF_CLASS, SPACING_OF_DENSITY } from '../functions/src/data/targets.ts';
import { ModelRegistry, type CurrentPointer } from '../functions/src/models/registry.ts';
import { fixedClock } from '../functions/src/ports/clock.ts';
import type { LogStore, Ports, RawLog, RecordStore } from '../functions/src/ports/index.ts';
import { assignVariant } from '../functions/src/serving/assignment.ts';
import { defaultServed } from '../functions/src/serving/default-stylesheet.ts';
import { simulateLogs } from '../functions/src/simulate/generate.ts';
import type { SessionServer } from '../functions/src/simulate/serving.ts';
import { validateLog } from '../functions/src/stages/collect/log-validation.ts';
import { decide } from '../functions/src/stages/decide/decide.ts';
import { deploy } from '../functions/src/stages/deploy/deploy.ts';
import { watchDeployments } from '../functions/src/stages/deploy/watch.ts';
import { LIVE_FROM_ROLLUPS, type LiveRead } from '../functions/src/stages/monitor/live-metrics.ts';
import { runChain } from '../functions/src/stages/pipeline/chain.ts';
import { defaultSteps } from '../functions/src/stages/pipeline/steps.ts';
import { dashboardData } from '../functions/src/stages/report/dashboard-data.ts';
import { rollupPass } from '../functions/src/stages/rollup/rollup-pass.ts';
import { readState, rollupCollection } from '../functions/src/stages/rollup/rollup-store.ts';
import { runFullRetrain } from '../functions/src/stages/train/full.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The instant every reader stands for; the sessions fill the 30 days before it. */
const NOW = new Date('2026-05-01T00:00:00.000Z');
const DAYS = 30;
const WINDOW_START = new Date(NOW.getTime() - DAYS * DAY_MS);
/** The seed history the two versions are trained on, well before the window (and before the rollups' initial days). */
const SEED = { startDate: '2026-03-01', days: 14, users: 80, sessionsPerDay: 3, seed: 5 } as const;
const TRAIN_AT = new Date('2026-03-15T00:00:00.000Z');
const CANARY_PERCENT = 25;
const CANARY_ID = 'dep_bench_live_canary';
const BAD_LOG_RATE = 0.01;
const SESSIONS_PER_USER_DAY = 5;
const APPEND_BATCH = 10_000;
/** Assumed store bytes per session before a size was built (measured ones replace it). */
const DEFAULT_BYTES_PER_SESSION = 1000;

const DEFAULT_SIZES = [100_000, 1_000_000, 10_000_000];
const TARGET = { seconds: 1, documents: 500, logsPerSecond: 200_000, atSize: 10_000_000 } as const;
/** "Flat": the largest size's value within these bounds of the smallest size's. */
const FLAT = { time: 1.5, timeSlackS: 0.05, documents: 1.1, rss: 1.25, rssSlackMb: 16 } as const;

/** Quick training (as test/stages/deploy/scenario.ts), a canary watched for 31 days. */
const BENCH_CONFIG = {
  strategies: { full: { hyperparameterTuning: false } },
  training: { rounds: 10, maxDepth: 4, workers: 1 },
  deployment: { monitoringHours: 24 * 31, minCanarySessions: 200 },
  serving: { stateRefreshSeconds: 0 },
} as const;

const ACTOR = { kind: 'cli', id: 'bench-live' } as const;
const RESCAN: LiveRead = { source: 'rescan' };

const USAGE = `Usage: npm run bench:live -- [options]

Benchmarks the live readers (dashboard, canary watcher, auto --mode check) on the rollups
against a rescan of every session, and a rollup pass over one new hour against a plain scan,
on stores of N simulated sessions over 30 days (embedded backend).

Options:
  --sizes LIST   comma-separated session counts (default ${DEFAULT_SIZES.join(',')})
  --repeat R     run each phase R times, report medians (default 1)
  --root DIR     keep the stores in DIR/n<N> and reuse them on later runs (default: temp, deleted)
  --json         print all numbers as one JSON document instead of the tables
  --fresh-rollups  with --root: on a kept store, delete the rollups and the hours earlier runs
                 appended, and measure the initial rollup pass again (after a change to the stage)
  --help         this text

Internal (one phase in this process; for profiling with node --cpu-prof):
  --phase NAME --root STORE [--live rollups|rescan] [--n N] [--from ISO --to ISO]
  NAME: build, initial, dashboard, watch, check, append-hour, rollup, scan, reset`;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const config: RetrainingConfig = parseConfig(BENCH_CONFIG);

// ---------------------------------------------------------------------------------------------
// Counting ports

/** What a phase read through the ports. */
interface Reads {
  /** Log documents returned by `pages`. */
  logDocs: number;
  logPages: number;
  /** Calls of `count` (one aggregate query each) and their seconds (an index range scan: grows with N). */
  countCalls: number;
  countSeconds: number;
  /** Records returned by `get` (found) and `list`. */
  recordDocs: number;
  recordCalls: number;
  /** Records returned, by collection. */
  byCollection: Record<string, number>;
}

/** logDocs + countCalls + recordDocs: what the goals call "documents read". */
const documentsRead = (r: Reads) => r.logDocs + r.countCalls + r.recordDocs;

/** The same ports, with the log and record ports counting what they return. */
function countingPorts(ports: Ports): { ports: Ports; reads: Reads } {
  const reads: Reads = { logDocs: 0, logPages: 0, countCalls: 0, countSeconds: 0, recordDocs: 0, recordCalls: 0, byCollection: {} };
  const l = ports.logs;
  const logs: LogStore = {
    async *pages(q) {
      for await (const page of l.pages(q)) {
        reads.logPages += 1;
        reads.logDocs += page.length;
        yield page;
      }
    },
    async count(q) {
      reads.countCalls += 1;
      const t0 = performance.now();
      try {
        return await l.count(q);
      } finally {
        reads.countSeconds += (performance.now() - t0) / 1000;
      }
    },
    append: (docs) => l.append(docs),
    close: () => l.close(),
  };
  const r = ports.records;
  const got = (collection: string, n: number) => {
    reads.recordDocs += n;
    reads.byCollection[collection] = (reads.byCollection[collection] ?? 0) + n;
  };
  const records: RecordStore = {
    async get<T>(collection: string, id: string) {
      reads.recordCalls += 1;
      const rec = await r.get<T>(collection, id);
      if (rec) got(collection, 1);
      return rec;
    },
    async list<T>(collection: string, query?: Parameters<RecordStore['list']>[1]) {
      reads.recordCalls += 1;
      const recs = await r.list<T>(collection, query);
      got(collection, recs.length);
      return recs;
    },
    create: (c, id, data) => r.create(c, id, data),
    set: (c, id, data) => r.set(c, id, data),
    update: (c, id, patch, opts) => r.update(c, id, patch, opts),
    delete: (c, id) => r.delete(c, id),
    close: () => r.close(),
  };
  return { ports: { ...ports, logs, records }, reads };
}

// ---------------------------------------------------------------------------------------------
// The store

/** What a built store holds (DIR/bench-live.json). */
interface StoreMeta {
  n: number;
  sessions: number;
  users: number;
  sessionsPerDay: number;
  v1: string;
  v2: string;
  canaryPercent: number;
  now: string;
  buildSeconds: number;
  storeBytes: number;
  initial?: PhaseResult;
}

const metaPath = (dir: string) => path.join(dir, 'bench-live.json');
const readMeta = (dir: string): StoreMeta => JSON.parse(readFileSync(metaPath(dir), 'utf8'));
const writeMeta = (dir: string, meta: StoreMeta) => writeFileSync(metaPath(dir), `${JSON.stringify(meta, null, 2)}\n`);

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += statSync(path.join(e.parentPath, e.name)).size;
  return total;
}

async function open(dir: string, at: Date = NOW) {
  const clock = fixedClock(at);
  const ports = await openPorts(config, { backend: 'embedded', root: dir, clock });
  return { ports: { ...ports, clock } as Ports, clock };
}

const night = (hour: number) => Math.max(0, -Math.cos((2 * Math.PI * hour) / 24));

/** The canary's answer: classes from the context (what a decent model learns first). */
function heuristic(ctx: SessionContext): { font: 'small' | 'medium' | 'large'; theme: 'light' | 'dark' | 'high-contrast'; density: 'compact' | 'comfortable' | 'spacious' } {
  const scale = ctx.os_font_scale ?? 1;
  const font = scale >= 1.15 || ctx.device_class === 'tv' || (ctx.browser_zoom ?? 1) > 1.05 ? 'large' : scale <= 0.88 ? 'small' : 'medium';
  const theme = ctx.prefers_contrast === 'more' || ctx.forced_colors === true ? 'high-contrast' : ctx.prefers_color_scheme === 'dark' || night(ctx.local_hour) > 0.5 ? 'dark' : 'light';
  const touch = ctx.input_modality === 'touch' || ctx.input_modality === 'pen';
  const density = touch || ctx.device_class === 'tv' ? 'spacious' : ctx.viewport_width >= 1600 ? 'compact' : 'comfortable';
  return { font, theme, density };
}

/** A cheap server: the real canary assignment; v1 serves the default stylesheet, the canary the heuristic. */
function benchServer(pointer: CurrentPointer): SessionServer {
  const assigned = new Map<string, ReturnType<typeof assignVariant>>();
  return (userId, ctx) => {
    let a = assigned.get(userId);
    if (!a) assigned.set(userId, (a = assignVariant(pointer, userId)));
    const served = defaultServed();
    served.model_version = a.version;
    served.variant = a.variant;
    if (a.variant === 'canary') {
      const h = heuristic(ctx);
      served.css_class_font = h.font;
      served.css_class_theme = h.theme;
      served.css_class_density = h.density;
      served.css_vars[0] = FONT_SCALE_OF_CLASS[h.font];
      served.css_vars[2] = SPACING_OF_DENSITY[h.density];
    }
    return served;
  };
}

async function servingPointer(ports: Ports): Promise<{ pointer: CurrentPointer; generation: string | null }> {
  const read = await new ModelRegistry(ports.artifacts, config.pipeline.layout.modelsPrefix).readServingState();
  if (!read.pointer) throw new Error(`no serving state in the store (${read.problem ?? 'missing'})`);
  return { pointer: read.pointer, generation: read.generation };
}

const progress = (msg: string) => process.stderr.write(`    ${msg}\n`);

/** Build a store of n sessions (see the module comment). */
async function build(dir: string, n: number): Promise<StoreMeta> {
  const t0 = performance.now();
  mkdirSync(dir, { recursive: true });
  const { ports, clock } = await open(dir, TRAIN_AT);
  try {
    // Two small real versions, trained on a seed history outside the window.
    let batch: RawLog[] = [];
    for (const log of simulateLogs({ ...SEED })) {
      batch.push(log);
      if (batch.length >= 1000) await ports.logs.append(batch.splice(0));
    }
    if (batch.length) await ports.logs.append(batch.splice(0));
    const { run } = await runChain(ports, config, { mode: 'force', steps: defaultSteps });
    if (!run?.outputs.version || !run.outputs.csvPath) throw new Error(`first training failed: ${JSON.stringify(run)}`);
    const v1 = run.outputs.version;
    const csv = await ports.artifacts.get(run.outputs.csvPath);
    const second = await runFullRetrain(ports, config, { dataPath: 'datasets/candidates/bench-live.csv', dataBytes: csv, runId: 'run_bench_live_v2', configHash: 'bench', promoteFirst: false });
    if (!second.model_version) throw new Error(`training v2 failed: ${second.reason}`);
    const v2 = second.model_version;
    progress(`trained ${v1} and ${v2}`);
    clock.set(new Date(WINDOW_START.getTime() - HOUR_MS));
    const d1 = await deploy(ports, config, { version: v1, strategy: 'immediate', actor: ACTOR });
    clock.set(WINDOW_START);
    const d2 = await deploy(ports, config, { version: v2, strategy: 'canary', percentage: CANARY_PERCENT, actor: ACTOR, deploymentId: CANARY_ID });
    const { pointer } = await servingPointer(ports);
    if (pointer.version !== v1 || pointer.canary?.version !== v2) throw new Error(`deployment did not give v1 + canary v2 (${d1.outcome}, ${d2.outcome}): ${JSON.stringify(pointer)}`);
    progress(`deployed ${v1} (immediate) and ${v2} (canary ${CANARY_PERCENT} % from ${WINDOW_START.toISOString()})`);

    // N sessions over the 30 days before NOW.
    const users = Math.max(100, Math.round(n / (DAYS * SESSIONS_PER_USER_DAY)));
    const sessionsPerDay = n / DAYS / users;
    const serve = benchServer(pointer);
    let written = 0;
    const tg = performance.now();
    for (const log of simulateLogs({ users, sessionsPerDay, days: DAYS, startDate: WINDOW_START.toISOString().slice(0, 10), seed: 11, badLogRate: BAD_LOG_RATE }, undefined, serve)) {
      batch.push(log);
      if (batch.length >= APPEND_BATCH) {
        await ports.logs.append(batch);
        written += batch.length;
        batch = [];
        if (written % 1_000_000 === 0) progress(`${written.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} sessions (${Math.round(written / ((performance.now() - tg) / 1000)).toLocaleString('en-US')} /s)`);
      }
    }
    if (batch.length) {
      await ports.logs.append(batch);
      written += batch.length;
    }
    return { n, sessions: written, users, sessionsPerDay, v1, v2, canaryPercent: CANARY_PERCENT, now: NOW.toISOString(), buildSeconds: (performance.now() - t0) / 1000, storeBytes: 0 };
  } finally {
    await closePorts(ports);
  }
}

/** One hour of new sessions at the store's traffic rate, right after the watermark. */
async function appendHour(dir: string): Promise<{ from: string; to: string; appended: number }> {
  const meta = readMeta(dir);
  const { ports } = await open(dir);
  try {
    const state = await readState(ports.records, rollupCollection(config));
    if (!state) throw new Error('no rollup state: run the initial pass first');
    const from = Date.parse(state.state.watermark);
    if (from % HOUR_MS) throw new Error(`watermark ${state.state.watermark} is not on the hour`);
    const day = Math.floor(from / DAY_MS) * DAY_MS;
    const { pointer } = await servingPointer(ports);
    const perHour = meta.sessions / (DAYS * 24);
    // One simulated "day" of an hour's traffic, squeezed into [from, from + 1 h) in its order.
    const docs: RawLog[] = [];
    let k = 0;
    const tag = new Date(from).toISOString().slice(0, 13).replace(/[-T]/g, '');
    for (const log of simulateLogs({ users: meta.users, sessionsPerDay: perHour / meta.users, days: 1, startDate: new Date(day).toISOString().slice(0, 10), seed: 1000 + (from / HOUR_MS) % 1e6, badLogRate: BAD_LOG_RATE }, undefined, benchServer(pointer))) {
      const data = log.data as Record<string, unknown> | null;
      const id = `hour${tag}-${String(k++).padStart(7, '0')}`;
      if (data && typeof data === 'object') {
        const ts = typeof data.timestamp === 'string' ? Date.parse(data.timestamp) : NaN;
        if (ts >= day && ts < day + DAY_MS) data.timestamp = new Date(from + Math.floor((ts - day) / 24)).toISOString();
        if (typeof data.session_id === 'string') data.session_id = id;
      }
      docs.push({ id, data });
    }
    for (let i = 0; i < docs.length; i += APPEND_BATCH) await ports.logs.append(docs.slice(i, i + APPEND_BATCH));
    return { from: new Date(from).toISOString(), to: new Date(from + HOUR_MS).toISOString(), appended: docs.length };
  } finally {
    await closePorts(ports);
  }
}

/**
 * Back to the store as built, before its initial pass: the rollup documents and the hours appended
 * after NOW by earlier rollup phases deleted (to re-measure the initial pass after a change).
 */
function resetRollups(dir: string): { logsDeleted: number; rollupsDeleted: number } {
  const db = openDatabase(embeddedPaths(config, { root: dir }).database);
  try {
    const logs = db.prepare(`DELETE FROM ${tableName(config.pipeline.collections.interactionLogs)} WHERE _ts >= ?`).run(NOW.getTime());
    const rollups = db.prepare('DELETE FROM records WHERE collection = ?').run(rollupCollection(config));
    return { logsDeleted: Number(logs.changes), rollupsDeleted: Number(rollups.changes) };
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Phases

type PhaseName = 'initial' | 'dashboard' | 'watch' | 'check' | 'rollup' | 'scan';

interface PhaseResult {
  phase: PhaseName;
  live: 'rollups' | 'rescan' | null;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  reads: Reads;
  documents: number;
  /** Rollup pass and scan: documents processed (the rate's numerator), valid ones, and the window read. */
  logs?: number;
  valid?: number;
  from?: string | null;
  to?: string;
  hours?: number;
  written?: number;
  /** Digest of the answer (compared between rollups and rescan) and a one-line summary. */
  digest: string;
  summary: string;
}

const cpuSince = (c: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6;
};

/** The answer without what differs by construction between the two ways (the source named, timings). */
function digestOf(value: unknown): string {
  const drop = new Set(['generatedAt', 'source', 'evaluatedAt', 'hours_not_rolled_up', 'missingHours']);
  const text = JSON.stringify(value, (k, v) => (drop.has(k) ? undefined : v));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

async function runPhase(phase: PhaseName, dir: string, live: LiveRead | null): Promise<PhaseResult> {
  const { ports: base } = await open(dir);
  const { ports, reads } = countingPorts(base);
  const liveName = live ? (live.source === 'rescan' ? 'rescan' : 'rollups') : null;
  try {
    const before = phase === 'watch' ? await servingPointer(base) : null;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let answer: unknown;
    let summary = '';
    const extra: Partial<PhaseResult> = {};
    switch (phase) {
      case 'initial': {
        const r = await rollupPass(ports, config, { to: NOW });
        answer = r.read;
        Object.assign(extra, { logs: r.read, from: r.from, to: r.to, hours: r.hours, written: r.written });
        summary = `${r.hours} hours, ${r.written} buckets written, tracked ${r.tracked.map((t) => t.version).join(', ')}${Object.keys(r.skippedVersions).length ? `, skipped ${JSON.stringify(r.skippedVersions)}` : ''}`;
        break;
      }
      case 'dashboard': {
        const d = await dashboardData(ports, config, { now: NOW, trendDays: 30, live: live! });
        answer = d;
        const cur = d.current_model_performance;
        summary = `${d.performance_trends.liveAccuracy.points.length} trend points; serving ${JSON.stringify(cur).length} bytes`;
        break;
      }
      case 'watch': {
        const r = await watchDeployments(ports, config, { now: NOW, live: live! });
        const dec = r.decisions[0];
        answer = dec ? { verdict: dec.verdict, comparison: dec.comparison } : null;
        summary = dec ? `${dec.verdict}: ${dec.reason}` : 'nothing under watch';
        if (!dec || dec.verdict !== 'wait' || dec.result !== null) throw new Error(`the watcher did not answer wait without a change: ${summary}`);
        break;
      }
      case 'check': {
        const { decision } = await decide(ports, config, { mode: 'check', at: NOW, dryRun: true, live: live! });
        answer = decision;
        summary = `shouldRetrain ${decision.shouldRetrain}; ${decision.triggers.map((t) => `${t.name}: ${t.triggered ? 'fired' : t.evaluated ? 'ok' : 'not evaluated'}`).join(', ')}`;
        break;
      }
      case 'rollup': {
        const to = new Date(arg('--to')!);
        const r = await rollupPass(ports, config, { to });
        answer = r.read;
        Object.assign(extra, { logs: r.read, from: r.from, to: r.to, hours: r.hours, written: r.written });
        summary = `${r.hours} hours from ${r.from}, ${r.written} buckets written`;
        break;
      }
      case 'scan': {
        const q = { start: new Date(arg('--from')!), end: new Date(arg('--to')!), minSessionDurationMs: config.dataCollection.minSessionDurationMs, pageSize: config.dataCollection.pageSize };
        let logs = 0;
        let valid = 0;
        for await (const page of ports.logs.pages(q)) {
          for (const raw of page) {
            logs += 1;
            if (raw.unreadable === undefined && validateLog(raw.data).ok) valid += 1;
          }
        }
        answer = logs;
        Object.assign(extra, { logs, valid, from: q.start.toISOString(), to: q.end.toISOString() });
        summary = `${logs} documents, ${valid} valid`;
        break;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = cpuSince(c0);
    if (before) {
      const after = await servingPointer(base);
      if (after.generation !== before.generation) throw new Error(`the watcher changed the serving state (${before.generation} → ${after.generation})`);
    }
    return { phase, live: liveName, seconds, cpuSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024, reads, documents: documentsRead(reads), digest: digestOf(answer), summary, ...extra };
  } finally {
    await closePorts(base);
  }
}

// ---------------------------------------------------------------------------------------------
// The driver

function child<T>(args: string[]): T {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];

/** Each measure's median over the runs (the counts and answer of the first). */
function medianOf(results: PhaseResult[]): PhaseResult {
  const m = (k: 'seconds' | 'cpuSeconds' | 'maxRssMb') => median(results.map((r) => r[k]));
  return { ...results[0], seconds: m('seconds'), cpuSeconds: m('cpuSeconds'), maxRssMb: m('maxRssMb') };
}

interface SizeReport {
  n: number;
  sessions: number;
  users: number;
  storeBytes: number;
  buildSeconds: number;
  initial: PhaseResult;
  phases: Record<'dashboard' | 'watch' | 'check', { rollups: PhaseResult; rescan: PhaseResult; same: boolean }>;
  rollup: { pass: PhaseResult; scan: PhaseResult; appended: number };
}

interface Skipped {
  n: number;
  reason: string;
}

function runSize(dir: string, n: number, runs: number, freshRollups: boolean): SizeReport {
  if (freshRollups && existsSync(metaPath(dir)) && readMeta(dir).initial !== undefined) {
    const meta = readMeta(dir);
    const reset = child<{ logsDeleted: number; rollupsDeleted: number }>(['--phase', 'reset', '--root', dir]);
    progress(`rollups reset (${int(reset.rollupsDeleted)} rollup documents and ${int(reset.logsDeleted)} appended sessions deleted); initial rollup pass…`);
    meta.initial = child<PhaseResult>(['--phase', 'initial', '--root', dir]);
    writeMeta(dir, meta);
  }
  if (!existsSync(metaPath(dir)) || readMeta(dir).initial === undefined) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    progress(`building the store of ${n.toLocaleString('en-US')} sessions in ${dir} (not timed)`);
    const meta = child<StoreMeta>(['--phase', 'build', '--root', dir, '--n', String(n)]);
    meta.storeBytes = dirBytes(dir);
    writeMeta(dir, meta);
    progress(`built in ${meta.buildSeconds.toFixed(0)} s: ${meta.sessions.toLocaleString('en-US')} sessions, ${(meta.storeBytes / 1e9).toFixed(2)} GB; initial rollup pass…`);
    meta.initial = child<PhaseResult>(['--phase', 'initial', '--root', dir]);
    meta.storeBytes = dirBytes(dir);
    writeMeta(dir, meta);
  } else progress(`reusing the store in ${dir}`);
  const meta = readMeta(dir);
  const phase = (name: PhaseName, live: 'rollups' | 'rescan') => {
    progress(`${name} (${live})…`);
    return medianOf(Array.from({ length: runs }, () => child<PhaseResult>(['--phase', name, '--root', dir, '--live', live])));
  };
  const phases = {} as SizeReport['phases'];
  for (const name of ['dashboard', 'watch', 'check'] as const) {
    const rollups = phase(name, 'rollups');
    const rescan = phase(name, 'rescan');
    phases[name] = { rollups, rescan, same: rollups.digest === rescan.digest };
  }
  const passes: PhaseResult[] = [];
  const scans: PhaseResult[] = [];
  let appended = 0;
  for (let i = 0; i < runs; i++) {
    const hour = child<{ from: string; to: string; appended: number }>(['--phase', 'append-hour', '--root', dir]);
    appended = hour.appended;
    progress(`rollup pass over the hour from ${hour.from} (${hour.appended.toLocaleString('en-US')} new sessions)…`);
    const pass = child<PhaseResult>(['--phase', 'rollup', '--root', dir, '--to', hour.to]);
    passes.push(pass);
    scans.push(child<PhaseResult>(['--phase', 'scan', '--root', dir, '--from', pass.from!, '--to', pass.to!]));
  }
  return {
    n,
    sessions: meta.sessions,
    users: meta.users,
    storeBytes: dirBytes(dir),
    buildSeconds: meta.buildSeconds,
    initial: meta.initial!,
    phases,
    rollup: { pass: medianOf(passes), scan: medianOf(scans), appended },
  };
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');
const rate = (r: PhaseResult) => (r.logs ?? 0) / r.seconds;
const times = (x: number) => (x < 10 ? x.toFixed(1) : int(x));

function printSize(s: SizeReport): void {
  const i = s.initial;
  console.log('');
  console.log(`N = ${int(s.n)} sessions (${int(s.sessions)} written over ${DAYS} days, ${int(s.users)} users, v2 canary ${CANARY_PERCENT} %); store ${(s.storeBytes / 1e9).toFixed(2)} GB, built in ${s.buildSeconds.toFixed(0)} s (not counted)`);
  console.log(`  initial rollup of ${int(i.logs ?? 0)} sessions: ${int(rate(i))} logs/s (${i.seconds.toFixed(1)} s, ${int(i.cpuSeconds)} CPU-s, ${i.hours} hours, peak RSS ${i.maxRssMb.toFixed(0)} MB)`);
  const head = `  ${'phase'.padEnd(22)}${'read from'.padEnd(12)}${'wall s'.padStart(9)}${'CPU s'.padStart(9)}${'log docs'.padStart(12)}${'count()'.padStart(9)}${'count s'.padStart(9)}${'records'.padStart(9)}${'docs read'.padStart(12)}${'peak RSS MB'.padStart(13)}`;
  console.log(head);
  const row = (label: string, from: string, r: PhaseResult, note = '') =>
    console.log(
      `  ${label.padEnd(22)}${from.padEnd(12)}${r.seconds.toFixed(3).padStart(9)}${r.cpuSeconds.toFixed(2).padStart(9)}${int(r.reads.logDocs).padStart(12)}${int(r.reads.countCalls).padStart(9)}${(r.reads.countCalls ? r.reads.countSeconds.toFixed(3) : '-').padStart(9)}${int(r.reads.recordDocs).padStart(9)}${int(r.documents).padStart(12)}${r.maxRssMb.toFixed(0).padStart(13)}${note}`,
    );
  const labels = { dashboard: 'dashboard data', watch: 'watcher pass', check: 'auto --mode check' } as const;
  for (const name of ['dashboard', 'watch', 'check'] as const) {
    const p = s.phases[name];
    row(labels[name], 'rollups', p.rollups);
    row('', 'rescan', p.rescan, `   rollups ×${times(p.rescan.seconds / p.rollups.seconds)} faster, ×${times(p.rescan.documents / Math.max(1, p.rollups.documents))} fewer docs${p.same ? '' : '   ANSWERS DIFFER'}`);
  }
  const { pass, scan } = s.rollup;
  row('rollup pass (1 new h)', 'logs', pass, `   ${int(rate(pass))} logs/s over ${int(pass.logs ?? 0)} docs (${pass.hours} h: 1 new + overlap)`);
  row('', 'plain scan', scan, `   ${int(rate(scan))} logs/s (pages + validateLog); pass at ×${(rate(pass) / rate(scan)).toFixed(2)} of it`);
  const w = s.phases.watch.rollups.summary;
  console.log(`  watcher: ${w.length > 160 ? `${w.slice(0, 157)}…` : w}`);
  console.log(`  check: ${s.phases.check.rollups.summary}`);
}

interface Goal {
  goal: string;
  pass: boolean;
  measured: string;
}

function goals(sizes: SizeReport[]): Goal[] {
  const out: Goal[] = [];
  if (!sizes.length) return out;
  const small = sizes[0];
  const big = sizes[sizes.length - 1];
  const at = big.n >= TARGET.atSize ? int(TARGET.atSize) : `${int(big.n)} (largest size run; 10M not run)`;
  const flat = (a: PhaseResult, b: PhaseResult) => ({
    time: b.seconds <= a.seconds * FLAT.time + FLAT.timeSlackS,
    docs: b.documents <= Math.ceil(a.documents * FLAT.documents),
  });
  for (const [name, label] of [['dashboard', 'dashboard data'], ['watch', 'watcher pass']] as const) {
    const b = big.phases[name].rollups;
    out.push({ goal: `${label} ≤ ${TARGET.seconds} s at ${at}`, pass: b.seconds <= TARGET.seconds, measured: `${b.seconds.toFixed(3)} s` });
    out.push({ goal: `${label} ≤ ${TARGET.documents} documents read at ${at}`, pass: b.documents <= TARGET.documents, measured: `${int(b.documents)} documents` });
    if (sizes.length > 1) {
      const a = small.phases[name].rollups;
      const f = flat(a, b);
      out.push({
        goal: `${label} flat from ${int(small.n)} to ${int(big.n)} (time ≤ ×${FLAT.time} + ${FLAT.timeSlackS * 1000} ms, documents ≤ ×${FLAT.documents})`,
        pass: f.time && f.docs,
        measured: `${a.seconds.toFixed(3)} → ${b.seconds.toFixed(3)} s, ${int(a.documents)} → ${int(b.documents)} documents`,
      });
    }
  }
  const rates = sizes.map((s) => `${int(rate(s.rollup.pass))} at ${int(s.n)}`);
  out.push({ goal: `rollup pass ≥ ${int(TARGET.logsPerSecond)} logs/s (every size)`, pass: sizes.every((s) => rate(s.rollup.pass) >= TARGET.logsPerSecond), measured: `${rates.join('; ')} logs/s` });
  if (sizes.length > 1) {
    const memory = (label: string, pick: (s: SizeReport) => Record<string, number>) => {
      const a = pick(small);
      const b = pick(big);
      const keys = Object.keys(a);
      out.push({
        goal: `memory flat in N, ${label} (peak RSS from ${int(small.n)} to ${int(big.n)} ≤ ×${FLAT.rss} + ${FLAT.rssSlackMb} MB)`,
        pass: keys.every((k) => b[k] <= a[k] * FLAT.rss + FLAT.rssSlackMb),
        measured: keys.map((k) => `${k} ${a[k].toFixed(0)} → ${b[k].toFixed(0)} MB`).join(', '),
      });
    };
    memory('readers from the rollups', (s) => ({ dashboard: s.phases.dashboard.rollups.maxRssMb, watcher: s.phases.watch.rollups.maxRssMb, check: s.phases.check.rollups.maxRssMb }));
    memory('rollup pass over one hour', (s) => ({ 'rollup pass': s.rollup.pass.maxRssMb }));
  }
  return out;
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const phaseArg = arg('--phase');
  if (phaseArg) {
    const dir = path.resolve(arg('--root') ?? '');
    if (!arg('--root')) throw new Error('--phase needs --root');
    let out: unknown;
    if (phaseArg === 'build') out = await build(dir, Number(arg('--n')));
    else if (phaseArg === 'append-hour') out = await appendHour(dir);
    else if (phaseArg === 'reset') out = resetRollups(dir);
    else if (['initial', 'dashboard', 'watch', 'check', 'rollup', 'scan'].includes(phaseArg)) {
      const liveArg = arg('--live');
      const live = liveArg === 'rescan' ? RESCAN : liveArg === 'rollups' ? LIVE_FROM_ROLLUPS : null;
      if (['dashboard', 'watch', 'check'].includes(phaseArg) && !live) throw new Error(`--phase ${phaseArg} needs --live rollups|rescan`);
      out = await runPhase(phaseArg as PhaseName, dir, live);
    } else throw new Error(`unknown phase ${phaseArg}\n${USAGE}`);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }

  const sizes = (arg('--sizes') ?? DEFAULT_SIZES.join(',')).split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (!sizes.length || sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error(`--sizes must be integers ≥ 1000, got ${arg('--sizes')}`);
  sizes.sort((a, b) => a - b);
  const runs = Number(arg('--repeat') ?? 1);
  if (!Number.isInteger(runs) || runs <= 0) throw new Error(`--repeat must be a positive integer, got ${arg('--repeat')}`);
  const json = process.argv.includes('--json');
  const freshRollups = process.argv.includes('--fresh-rollups');
  const keep = arg('--root');
  const root = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), 'live-bench-'));
  mkdirSync(root, { recursive: true });
  const say = (line: string) => (json ? process.stderr.write(`${line}\n`) : console.log(line));
  say(`live readers benchmark: rollups (LIVE_FROM_ROLLUPS) vs rescan; sizes ${sizes.map(int).join(', ')}; NOW ${NOW.toISOString()}; Node ${process.version}; ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(1)}${runs > 1 ? `; each phase ${runs} times, medians` : ''}`);
  const reports: SizeReport[] = [];
  const skipped: Skipped[] = [];
  let bytesPerSession = DEFAULT_BYTES_PER_SESSION;
  try {
    for (const n of sizes) {
      const dir = path.join(root, `n${n}`);
      if (!existsSync(metaPath(dir))) {
        const need = n * bytesPerSession * 1.25;
        const free = freeBytes(root);
        if (need > free) {
          const reason = `needs ~${(need / 1e9).toFixed(1)} GB (${bytesPerSession.toFixed(0)} B/session + 25 %), ${(free / 1e9).toFixed(1)} GB free in ${root}`;
          skipped.push({ n, reason });
          say(`\nN = ${int(n)}: skipped, ${reason}`);
          continue;
        }
      }
      const report = runSize(dir, n, runs, freshRollups);
      bytesPerSession = Math.max(bytesPerSession === DEFAULT_BYTES_PER_SESSION ? 0 : bytesPerSession, report.storeBytes / report.sessions);
      reports.push(report);
      if (!json) printSize(report);
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
    const results = goals(reports);
    if (json) {
      process.stdout.write(`${JSON.stringify({ now: NOW.toISOString(), days: DAYS, loadAverage: loadavg(), canaryPercent: CANARY_PERCENT, node: process.version, repeat: runs, targets: TARGET, flat: FLAT, sizes: reports, skipped, goals: results }, null, 2)}\n`);
    } else {
      console.log('\ngoals');
      for (const g of results) console.log(`  ${g.pass ? 'PASS' : 'MISS'}  ${g.goal}: ${g.measured}`);
      for (const s of skipped) console.log(`  note: ${int(s.n)} skipped (${s.reason})`);
    }
  } finally {
    if (!keep) rmSync(root, { recursive: true, force: true });
  }
}

await main();
