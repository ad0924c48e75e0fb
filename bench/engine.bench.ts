/**
 * Engine benchmark (`npm run bench:engine [-- --sizes 10000,1000000] [--workers N] [--threads 1,2] [--no-native]`): the
 * bundle workload — 3 × multi:softprob (3 classes) and 8 × reg:squarederror, 100 rounds,
 * max_depth 6, eta 0.1, max_bin 256 — on synthetic data with nonlinear structure and missing
 * values. Prints train seconds, predict ms, memory and held-out quality for this engine and,
 * when /usr/bin/python3 has xgboost, for native XGBoost (nthread 1 and 2) on the same data.
 *
 * Memory, for both: the RSS baseline once the process has started and loaded the data, the peak
 * RSS up to the end of training, and the increase between them, also as a multiple of the
 * float32 training data (nrow × ncol × 4 bytes). Each size runs in a fresh process, so one
 * size's peak does not hide the next one's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Booster, DMatrix, evaluate, sharedFloat32Array, trainMany, type TrainJob } from '../functions/src/engine/index.ts';
import { rng } from '../functions/src/stages/train/random.ts';
import { predictMany } from '../functions/src/engine/predict-many.ts';

const NCOL = 19;
const ROUNDS = 100;
const CLASS_MODELS = 3;
const REG_MODELS = 8;
/** Worker threads of the parallel prediction, against native XGBoost's nthread=2. */
const PREDICT_WORKERS = 2;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Synthetic data: mixed feature types, 5 % missing in half the features, 11 nonlinear targets. */
function makeData(n: number, seed: number) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  // In shared memory, as the dataset reader allocates it: the workers read it without a copy.
  const X = sharedFloat32Array(n * NCOL);
  const full = new Float64Array(NCOL);
  const labels = Array.from({ length: CLASS_MODELS + REG_MODELS }, () => new Float32Array(n));
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < NCOL; f++) {
      let v: number;
      if (f < 8) v = gauss();
      else if (f < 12) v = r() * 10;
      else if (f < 15) v = Math.floor(r() * (3 + f)); // few distinct values
      else v = full[f - 15] * 0.5 + gauss();
      full[f] = v;
      X[i * NCOL + f] = f % 2 === 1 && r() < 0.05 ? NaN : v;
    }
    const x = full;
    for (let m = 0; m < CLASS_MODELS; m++) {
      const s = Math.sin(x[m] * 1.5) + x[m + 1] * x[m + 2] * 0.5 + (x[8 + m] > 5 ? 1 : -0.5) + 0.3 * x[12 + m] + gauss() * 0.6;
      labels[m][i] = s < -0.5 ? 0 : s < 0.8 ? 1 : 2;
    }
    for (let m = 0; m < REG_MODELS; m++) {
      const a = x[m % 8];
      const b = x[(m + 3) % 8];
      labels[CLASS_MODELS + m][i] =
        2 * Math.sin(a) + b * b * 0.5 + Math.abs(x[8 + (m % 4)] - 5) * 0.4 + x[12 + (m % 3)] * 0.3 * (a > 0 ? 1 : -1) + x[15 + (m % 4)] * 0.2 + gauss() * 0.5;
    }
  }
  return { X, labels };
}

interface Quality {
  accuracy: number;
  mlogloss: number;
  rmse: number;
}

function quality(preds: Float32Array[], labels: Float32Array[]): Quality {
  let acc = 0;
  let mll = 0;
  let rmse = 0;
  for (let m = 0; m < CLASS_MODELS; m++) {
    acc += 1 - evaluate('merror', preds[m], labels[m], { numClass: 3 });
    mll += evaluate('mlogloss', preds[m], labels[m], { numClass: 3 });
  }
  for (let m = 0; m < REG_MODELS; m++) rmse += evaluate('rmse', preds[CLASS_MODELS + m], labels[CLASS_MODELS + m]);
  return { accuracy: acc / CLASS_MODELS, mlogloss: mll / CLASS_MODELS, rmse: rmse / REG_MODELS };
}

function params(m: number): Record<string, unknown> {
  const base = { max_depth: 6, eta: 0.1, max_bin: 256, tree_method: 'hist', seed: m };
  return m < CLASS_MODELS ? { ...base, objective: 'multi:softprob', num_class: 3 } : { ...base, objective: 'reg:squarederror' };
}

const NATIVE = String.raw`
import sys, json, time, resource, numpy as np, xgboost as xgb
d, n, nt, ncol, nthread = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(d + '/X.bin', dtype=np.float32).reshape(n, ncol)
Xt = np.fromfile(d + '/Xt.bin', dtype=np.float32).reshape(nt, ncol)
Y = np.fromfile(d + '/Y.bin', dtype=np.float32).reshape(-1, n)
Yt = np.fromfile(d + '/Yt.bin', dtype=np.float32).reshape(-1, nt)
params = json.loads(open(d + '/params.json').read())
rss0 = int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize()
t0 = time.perf_counter()
c0 = resource.getrusage(resource.RUSAGE_SELF)
dtrain = xgb.DMatrix(X, nthread=nthread)
boosters = []
for m, p in enumerate(params):
    dtrain.set_label(Y[m])
    boosters.append(xgb.train(dict(p, nthread=nthread), dtrain, ${ROUNDS}))
t1 = time.perf_counter()
c1 = resource.getrusage(resource.RUSAGE_SELF)
peak = c1.ru_maxrss * 1024
dtest = xgb.DMatrix(Xt, nthread=nthread)
dfull = xgb.DMatrix(X, nthread=nthread)
t2 = time.perf_counter()
for b in boosters: b.predict(dfull)
t3 = time.perf_counter()
preds = [b.predict(dtest).astype(np.float32).ravel() for b in boosters]
np.concatenate(preds).tofile(d + '/native_preds_%d.bin' % nthread)
cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
print(json.dumps({'train': t1 - t0, 'cpu': cpu, 'predict': (t3 - t2) * 1000, 'rss0': rss0, 'peak': peak}))
`;

function hasNative(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import xgboost'], { stdio: 'ignore' }).status === 0;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`;
}

/** Memory of one training run: RSS before (process + data loaded) and the peak up to the end of training. */
interface Memory {
  rss0: number;
  peak: number;
}

function memory(name: string, m: Memory, dataBytes: number): string {
  const inc = m.peak - m.rss0;
  return `${name.padEnd(22)} RSS baseline ${mb(m.rss0).padStart(7)}  peak ${mb(m.peak).padStart(7)}  increase during training ${mb(inc).padStart(7)} = ×${(inc / dataBytes).toFixed(1)} the float32 data`;
}

async function benchSize(n: number, workers: number | undefined, native: boolean): Promise<void> {
  const nt = Math.max(1000, Math.floor(n / 5));
  const train = makeData(n, 42);
  const test = makeData(nt, 4242);
  const dataBytes = train.X.byteLength;
  const jobs: TrainJob[] = train.labels.map((label, m) => ({ params: params(m), data: { values: train.X, nrow: n, ncol: NCOL }, label, numBoostRound: ROUNDS }));
  const rss0 = process.memoryUsage().rss;
  // The main thread only waits while workers train, so sampling its RSS sees the workers' memory too.
  let sampled = rss0;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 5);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const results = await trainMany(jobs, { workers });
  const trainS = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  clearInterval(sampler);
  const mem0: Memory = { rss0, peak: Math.max(sampled, process.resourceUsage().maxRSS * 1024) };
  const cpuS = (c1.user + c1.system) / 1e6;
  const boosters = results.map((r) => Booster.loadModel(r.modelJson));
  const dfull = new DMatrix(train.X, n, NCOL);
  const t1 = performance.now();
  const inProcess = boosters.map((b) => b.predict(dfull));
  const predictMs = performance.now() - t1;
  // The same predictions across worker threads, pool start-up included (the first parallel call).
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  const parallel = await predictMany(boosters, dfull, { workers: PREDICT_WORKERS });
  const parallelMs = performance.now() - t2;
  const c3 = process.cpuUsage(c2);
  if (!parallel.every((p, m) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).equals(Buffer.from(inProcess[m].buffer, inProcess[m].byteOffset, inProcess[m].byteLength)))) {
    throw new Error('predictMany differs from Booster.predict');
  }
  const nativePredictMs: Record<number, number> = {};
  const dtest = new DMatrix(test.X, nt, NCOL);
  const ours = quality(boosters.map((b) => b.predict(dtest)), test.labels);
  console.log(`\n## ${n} rows × ${NCOL} features (float32 data ${mb(dataBytes)}), 11 models × ${ROUNDS} rounds, held-out ${nt} rows`);
  console.log(`engine predict: one thread ${predictMs.toFixed(0)} ms; ${PREDICT_WORKERS} workers ${parallelMs.toFixed(0)} ms (cpu ${((c3.user + c3.system) / 1000).toFixed(0)} ms), bit-identical`);
  const row = (name: string, t: number, cpu: number, p: number, q: Quality) =>
    console.log(
      `${name.padEnd(22)} train ${t.toFixed(2).padStart(7)} s (cpu ${cpu.toFixed(1).padStart(6)} s)  predict ${p.toFixed(0).padStart(6)} ms  ` +
        `accuracy ${q.accuracy.toFixed(4)}  mlogloss ${q.mlogloss.toFixed(4)}  RMSE ${q.rmse.toFixed(4)}`,
    );
  const engineName = `engine (workers ${workers ?? 'auto'})`;
  row(engineName, trainS, cpuS, predictMs, ours);
  const memories = [memory(engineName, mem0, dataBytes)];
  const printMemory = () => {
    console.log(`memory (training data ${mb(dataBytes)} float32; the engine's increase includes one V8 isolate per worker thread):`);
    for (const line of memories) console.log(`  ${line}`);
  };
  if (!native) return printMemory();
  const dir = mkdtempSync(path.join(tmpdir(), 'engine-bench-'));
  try {
    writeFileSync(path.join(dir, 'X.bin'), train.X);
    writeFileSync(path.join(dir, 'Xt.bin'), test.X);
    const cat = (ls: Float32Array[]) => {
      const out = new Float32Array(ls.length * ls[0].length);
      ls.forEach((l, i) => out.set(l, i * l.length));
      return out;
    };
    writeFileSync(path.join(dir, 'Y.bin'), cat(train.labels));
    writeFileSync(path.join(dir, 'Yt.bin'), cat(test.labels));
    writeFileSync(path.join(dir, 'params.json'), JSON.stringify(train.labels.map((_, m) => params(m))));
    writeFileSync(path.join(dir, 'native.py'), NATIVE);
    for (const threads of nativeThreads) {
      const res = spawnSync('/usr/bin/python3', [path.join(dir, 'native.py'), dir, String(n), String(nt), String(NCOL), String(threads)], { encoding: 'utf8' });
      if (res.status !== 0) {
        console.log(`native XGBoost failed: ${res.stderr}`);
        return;
      }
      const r = JSON.parse(res.stdout.trim().split('\n').pop()!) as { train: number; cpu: number; predict: number; rss0: number; peak: number };
      nativePredictMs[threads] = r.predict;
      const buf = readFileSync(path.join(dir, `native_preds_${threads}.bin`));
      const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      const preds: Float32Array[] = [];
      let o = 0;
      for (let m = 0; m < CLASS_MODELS + REG_MODELS; m++) {
        const len = m < CLASS_MODELS ? nt * 3 : nt;
        preds.push(all.subarray(o, o + len));
        o += len;
      }
      const q = quality(preds, test.labels);
      row(`native nthread=${threads}`, r.train, r.cpu, r.predict, q);
      memories.push(memory(`native nthread=${threads}`, { rss0: r.rss0, peak: r.peak }, dataBytes));
      if (threads === 1) {
        console.log(
          `ratio vs native nthread=1: train wall ×${(trainS / r.train).toFixed(2)} (target ≤ 1), train cpu ×${(cpuS / r.cpu).toFixed(2)}, ` +
            `Δaccuracy ${(ours.accuracy - q.accuracy).toFixed(4)} (|Δ| ≤ 0.005), RMSE ×${(ours.rmse / q.rmse).toFixed(4)} (≤ 1.02), predict ×${(predictMs / r.predict).toFixed(2)}`,
        );
      }
      if (threads === 2) {
        const wall = trainS / r.train;
        const cpu = cpuS / r.cpu;
        const mem = (mem0.peak - mem0.rss0) / (r.peak - r.rss0);
        const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
        console.log(
          `ratio vs native nthread=2: train wall ×${wall.toFixed(2)} (target ≤ 0.8: ${verdict(wall <= 0.8)}), train cpu ×${cpu.toFixed(2)} (target ≤ 1.0: ${verdict(cpu <= 1)}), ` +
            `memory increase ×${mem.toFixed(2)} (target ≤ 2: ${verdict(mem <= 2)})` +
            (n >= 1_000_000 ? `, peak RSS ${mb(mem0.peak)} (target ≤ 4 GiB: ${verdict(mem0.peak <= 4 * 2 ** 30)})` : ''),
        );
      }
    }
    printMemory();
    const vs = (ms: number, threads: number) => (nativePredictMs[threads] ? `×${(ms / nativePredictMs[threads]).toFixed(2)} of native nthread=${threads}` : `(native nthread=${threads} not run)`);
    const met = nativePredictMs[2] ? (parallelMs <= nativePredictMs[2] ? ': met' : ': NOT met') : '';
    console.log(`predict: engine one thread ${vs(predictMs, 1)}; engine ${PREDICT_WORKERS} workers ${vs(parallelMs, 2)} (target ≤ 1${met})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = (arg('sizes') ?? '10000,100000').split(',').map(Number);
/** Native thread counts to run (`--threads 2` skips the long single-thread run at large sizes). */
const nativeThreads = (arg('threads') ?? '1,2').split(',').map(Number);
const workersArg = arg('workers');
if (process.argv.includes('--child')) {
  const native = !process.argv.includes('--no-native') && hasNative();
  await benchSize(sizes[0], workersArg === undefined ? undefined : Number(workersArg), native);
} else {
  if (process.argv.includes('--no-native') || !hasNative()) {
    console.log('native XGBoost not available (/usr/bin/python3 -c "import xgboost" failed) or --no-native: engine numbers only');
  }
  const pass = process.argv.slice(2).filter((a, i, all) => a !== '--sizes' && all[i - 1] !== '--sizes');
  for (const n of sizes) {
    const res = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, ...pass, '--sizes', String(n), '--child'], { stdio: 'inherit' });
    if (res.status !== 0) process.exit(res.status ?? 1);
  }
}
