/**
 * Benchmark of the serving path (`npm run bench:serve`; `-- --seconds 2` for a quick run).
 *
 * 1. Not timed: simulate sessions into a temporary embedded store, collect them, train two
 *    versions with the default training config (100 rounds, depth 6: the models served in
 *    production) and deploy v1 with v2 as a 10 % canary.
 * 2. Warm latency: one session's eleven predictions (features, scaler, 11 models, argmax, clamp,
 *    the canary hash) through `ModelServer.serve` on a snapshot, per call; p50/p99 against the
 *    target p99 ≤ 1 ms. Baselines in the same run: the default stylesheet answer (no model) and
 *    the per-row cost of predicting 1,000 sessions in one batch.
 * 3. Cold load: a version read, every file sha256-checked, and the boosters parsed (a fresh
 *    cache each time), against the target ≤ 300 ms; baseline: reading the same files raw.
 * 4. `retrain serve` in a child process pinned to one core (taskset, when present): requests/s
 *    of `POST /predict` at 32 concurrent keep-alive connections, against `GET /healthz` (the same
 *    server without a prediction) as the baseline.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { closePorts, openPorts } from '../functions/src/adapters/open.ts';
import { configHash, parseConfig } from '../functions/src/config/load.ts';
import { InteractionLogSchema, type SessionContext } from '../functions/src/data/log-schema.ts';
import { prepareFeaturesV2, FEATURE_COUNT } from '../functions/src/data/features.ts';
import { predictBundle } from '../functions/src/models/bundle.ts';
import { ModelRegistry } from '../functions/src/models/registry.ts';
import type { Ports, RawLog } from '../functions/src/ports/index.ts';
import { VersionCache } from '../functions/src/serving/version-cache.ts';
import { openModelServer } from '../functions/src/serving/open-server.ts';
import { simulateLogs } from '../functions/src/simulate/index.ts';
import { collect } from '../functions/src/stages/collect/collect.ts';
import { artifactTarget } from '../functions/src/stages/collect/dataset-target.ts';
import { deploy } from '../functions/src/stages/deploy/deploy.ts';
import { runFullRetrain } from '../functions/src/stages/train/full.ts';

const TARGETS = { p99Ms: 1, coldMs: 300 };
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'retrain.js');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');

/** Simulated sessions, two training sets, two versions: v1 stable, v2 a 10 % canary. Returns contexts to serve. */
async function prepare(ports: Ports, config: ReturnType<typeof parseConfig>): Promise<{ contexts: SessionContext[]; versions: string[] }> {
  const contexts: SessionContext[] = [];
  let batch: RawLog[] = [];
  for (const log of simulateLogs({ users: 1000, sessionsPerDay: 1, days: 14, startDate: '2026-11-01', seed: 7 })) {
    batch.push(log);
    if (contexts.length < 2000) contexts.push(InteractionLogSchema.parse(log.data).context);
    if (batch.length === 5000) await ports.logs.append(batch.splice(0));
  }
  if (batch.length) await ports.logs.append(batch);
  const versions: string[] = [];
  for (const [i, start, end] of [[0, '2026-11-01', '2026-11-08'], [1, '2026-11-08', '2026-11-15']] as const) {
    const csv = `datasets/bench_serve_${i}/production_data.csv`;
    await collect(ports, { window: { start: new Date(`${start}T00:00:00Z`), end: new Date(`${end}T00:00:00Z`) }, minSessionDurationMs: 0, maxSamples: 10_000, target: artifactTarget(ports.artifacts, csv), config, configHash: configHash(config) });
    const r = await runFullRetrain(ports, config, { dataPath: csv, runId: `bench_serve_${i}_${process.pid}`, configHash: configHash(config), promoteFirst: false });
    versions.push(r.model_version!);
    process.stderr.write(`  trained ${r.model_version} on ${r.samples_used} rows\n`);
  }
  const actor = { kind: 'cli', id: 'bench' } as const;
  await deploy(ports, config, { version: versions[0], strategy: 'immediate', actor });
  await deploy(ports, config, { version: versions[1], strategy: 'canary', percentage: 10, actor });
  return { contexts, versions };
}

/** Per-call latency of `serve` on a snapshot, and the same calls answered with no model. */
async function warmLatency(ports: Ports, config: ReturnType<typeof parseConfig>, contexts: SessionContext[]): Promise<{ p50: number; p99: number; baseP50: number; batchPerRow: number; calls: number }> {
  const { server } = openModelServer(ports, config, { actor: { kind: 'cli', id: 'bench' } });
  const snap = await server.snapshot();
  const empty = { ...snap, stable: null, canary: null };
  const calls = 20_000;
  const times = new Float64Array(calls);
  const base = new Float64Array(calls);
  for (let i = 0; i < 2000; i++) server.serve(snap, `u${i}`, contexts[i % contexts.length]);
  for (let i = 0; i < calls; i++) {
    const ctx = contexts[i % contexts.length];
    let t = performance.now();
    server.serve(snap, `user-${i}`, ctx);
    times[i] = performance.now() - t;
    t = performance.now();
    server.serve(empty, `user-${i}`, ctx);
    base[i] = performance.now() - t;
  }
  times.sort();
  base.sort();
  // The same sessions predicted in one batch of 1,000 rows: the floor a single call cannot reach.
  const rows = new Float32Array(1000 * FEATURE_COUNT);
  const row = new Float64Array(FEATURE_COUNT);
  for (let r = 0; r < 1000; r++) rows.set(prepareFeaturesV2(contexts[r % contexts.length], row), r * FEATURE_COUNT);
  const t0 = performance.now();
  for (let k = 0; k < 5; k++) predictBundle(snap.stable!.bundle, rows, 1000);
  const batchPerRow = (performance.now() - t0) / 5000;
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), baseP50: quantile(base, 0.5), batchPerRow, calls };
}

/** Median cold load of a version (verify + parse) and of reading its files raw. */
async function coldLoad(ports: Ports, version: string): Promise<{ loadMs: number; rawMs: number }> {
  const registry = new ModelRegistry(ports.artifacts);
  const manifest = await registry.manifest(version);
  const loads: number[] = [];
  const raws: number[] = [];
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    const r = await new VersionCache(registry, 1).load(version);
    if (!r.ok) throw new Error(r.problem);
    loads.push(performance.now() - t);
    t = performance.now();
    for (const f of manifest.files) await ports.artifacts.get(registry.layout.file(version, f.path));
    raws.push(performance.now() - t);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
  return { loadMs: median(loads), rawMs: median(raws) };
}

/** Requests/s against a running server for `seconds`, `concurrency` keep-alive connections. */
async function load(url: URL, method: 'GET' | 'POST', bodies: string[], seconds: number, concurrency = 32): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let done = 0;
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  const one = (body: string) =>
    new Promise<void>((resolve) => {
      const req = request(url, { method, agent, headers: method === 'POST' ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
        if (res.statusCode !== 200) failed++;
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => (failed++, resolve()));
      req.end(method === 'POST' ? body : undefined);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w; performance.now() < deadline; i += concurrency, done++) await one(bodies[i % bodies.length]);
    }),
  );
  agent.destroy();
  if (failed) throw new Error(`${failed} requests failed`);
  return done / ((performance.now() - t0) / 1000);
}

async function serveThroughput(root: string, cfg: string, contexts: SessionContext[], seconds: number): Promise<{ predict: number; healthz: number; pinned: boolean }> {
  const pinned = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
  const cmd = pinned ? ['taskset', ['-c', '0', process.execPath]] as const : [process.execPath, []] as const;
  const child = spawn(cmd[0], [...cmd[1], BIN, 'serve', '--port', '0', '--json', '--root', root, '--config', cfg], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let text = '';
    let url: URL | null = null;
    for await (const line of createInterface({ input: child.stdout! })) {
      text += line;
      try {
        url = new URL(JSON.parse(text).url);
        break;
      } catch {
        // The JSON document spans several lines.
      }
    }
    if (!url) throw new Error('retrain serve did not start');
    const bodies = contexts.map((context, i) => JSON.stringify({ user_id: `user-${i}`, context }));
    await load(new URL('/predict', url), 'POST', bodies, 1);
    const predict = await load(new URL('/predict', url), 'POST', bodies, seconds);
    const healthz = await load(new URL('/healthz', url), 'GET', [''], seconds);
    return { predict, healthz, pinned };
  } finally {
    child.kill('SIGTERM');
  }
}

const seconds = Number(arg('--seconds') ?? 5);
const root = mkdtempSync(path.join(tmpdir(), 'bench-serve-'));
const cfg = path.join(root, 'retraining.yaml');
writeFileSync(cfg, 'strategies:\n  full:\n    hyperparameterTuning: false\n');
const config = parseConfig({ strategies: { full: { hyperparameterTuning: false } } });
const ports = await openPorts(config, { backend: 'embedded', root });
try {
  process.stderr.write('preparing: simulate, collect, train two versions (default training config), deploy v1 + a 10 % canary of v2…\n');
  const { contexts, versions } = await prepare(ports, config);
  const warm = await warmLatency(ports, config, contexts);
  const cold = await coldLoad(ports, versions[0]);
  const rps = await serveThroughput(root, cfg, contexts, seconds);
  const cpu = execFileSync('nproc', { encoding: 'utf8' }).trim();
  console.log(`\nserving benchmark, node ${process.version}, ${cpu} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`warm, one session (11 models), ${warm.calls.toLocaleString('en-US')} calls: p50 ${fmt(warm.p50)}, p99 ${fmt(warm.p99)}  (target p99 ≤ ${TARGETS.p99Ms} ms: ${verdict(warm.p99 <= TARGETS.p99Ms)})`);
  console.log(`  baselines: default stylesheet p50 ${fmt(warm.baseP50)} (×${(warm.p50 / warm.baseP50).toFixed(0)}); one row of a 1,000-row batch ${fmt(warm.batchPerRow)} (single call ×${(warm.p50 / warm.batchPerRow).toFixed(1)})`);
  console.log(`cold load of a version (sha256 of every file, parse 11 models): ${fmt(cold.loadMs)}  (target ≤ ${TARGETS.coldMs} ms: ${verdict(cold.loadMs <= TARGETS.coldMs)})`);
  console.log(`  baseline: reading the files raw ${fmt(cold.rawMs)} (×${(cold.loadMs / cold.rawMs).toFixed(1)})`);
  console.log(`retrain serve${rps.pinned ? ' pinned to one core' : ' (taskset missing: not pinned)'}, 32 keep-alive connections: POST /predict ${rps.predict.toFixed(0)} req/s; baseline GET /healthz ${rps.healthz.toFixed(0)} req/s (×${(rps.predict / rps.healthz).toFixed(2)})`);
} finally {
  await closePorts(ports);
  rmSync(root, { recursive: true, force: true });
}
