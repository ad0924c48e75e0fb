/**
 * Engine benchmark (`npm run bench:engine [-- --sizes 10000] [--workers N] [--no-native]`): the
 * bundle workload — 3 × multi:softprob (3 classes) and 8 × reg:squarederror, 100 rounds,
 * max_depth 6, eta 0.1, max_bin 256 — on synthetic data with nonlinear structure and missing
 * values. Prints train seconds, predict ms, peak RSS and held-out quality for this engine and,
 * when /usr/bin/python3 has xgboost, for native XGBoost (nthread 1 and 2) on the same data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Booster, DMatrix, evaluate, trainMany, type TrainJob } from '../functions/src/engine/index.ts';

const NCOL = 19;
const ROUNDS = 100;
const CLASS_MODELS = 3;
const REG_MODELS = 8;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Synthetic data: mixed feature types, 5 % missing in half the features, 11 nonlinear targets. */
function makeData(n: number, seed: number) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const X = new Float32Array(n * NCOL);
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
t0 = time.perf_counter()
c0 = resource.getrusage(resource.RUSAGE_SELF)
dtrain = xgb.DMatrix(X, nthread=nthread)
boosters = []
for m, p in enumerate(params):
    dtrain.set_label(Y[m])
    boosters.append(xgb.train(dict(p, nthread=nthread), dtrain, ${ROUNDS}))
t1 = time.perf_counter()
c1 = resource.getrusage(resource.RUSAGE_SELF)
dtest = xgb.DMatrix(Xt, nthread=nthread)
dfull = xgb.DMatrix(X, nthread=nthread)
t2 = time.perf_counter()
for b in boosters: b.predict(dfull)
t3 = time.perf_counter()
preds = [b.predict(dtest).astype(np.float32).ravel() for b in boosters]
np.concatenate(preds).tofile(d + '/native_preds_%d.bin' % nthread)
cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
print(json.dumps({'train': t1 - t0, 'cpu': cpu, 'predict': (t3 - t2) * 1000, 'rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
`;

function hasNative(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import xgboost'], { stdio: 'ignore' }).status === 0;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

async function benchSize(n: number, workers: number | undefined, native: boolean): Promise<void> {
  const nt = Math.max(1000, Math.floor(n / 5));
  const train = makeData(n, 42);
  const test = makeData(nt, 4242);
  const dataBytes = train.X.byteLength;
  const jobs: TrainJob[] = train.labels.map((label, m) => ({ params: params(m), data: { values: train.X, nrow: n, ncol: NCOL }, label, numBoostRound: ROUNDS }));
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const results = await trainMany(jobs, { workers });
  const trainS = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const cpuS = (c1.user + c1.system) / 1e6;
  const boosters = results.map((r) => Booster.loadModel(r.modelJson));
  const dfull = new DMatrix(train.X, n, NCOL);
  const t1 = performance.now();
  for (const b of boosters) b.predict(dfull);
  const predictMs = performance.now() - t1;
  const dtest = new DMatrix(test.X, nt, NCOL);
  const ours = quality(boosters.map((b) => b.predict(dtest)), test.labels);
  const rss = process.resourceUsage().maxRSS * 1024;
  console.log(`\n## ${n} rows × ${NCOL} features (float32 data ${mb(dataBytes)}), 11 models × ${ROUNDS} rounds, held-out ${nt} rows`);
  const row = (name: string, t: number, cpu: number, p: number, r: number, q: Quality) =>
    console.log(
      `${name.padEnd(22)} train ${t.toFixed(2).padStart(7)} s (cpu ${cpu.toFixed(1).padStart(6)} s)  predict ${p.toFixed(0).padStart(6)} ms  peak RSS ${mb(r).padStart(7)}  ` +
        `accuracy ${q.accuracy.toFixed(4)}  mlogloss ${q.mlogloss.toFixed(4)}  RMSE ${q.rmse.toFixed(4)}`,
    );
  row(`engine (workers ${workers ?? 'auto'})`, trainS, cpuS, predictMs, rss, ours);
  console.log(`engine RSS growth during training ${mb(rss - rss0)} (includes one V8 isolate per worker) for ${mb(dataBytes)} of float32 data`);
  if (!native) return;
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
    for (const threads of [1, 2]) {
      const res = spawnSync('/usr/bin/python3', [path.join(dir, 'native.py'), dir, String(n), String(nt), String(NCOL), String(threads)], { encoding: 'utf8' });
      if (res.status !== 0) {
        console.log(`native XGBoost failed: ${res.stderr}`);
        return;
      }
      const r = JSON.parse(res.stdout.trim().split('\n').pop()!) as { train: number; cpu: number; predict: number; rss: number };
      const buf = (await import('node:fs')).readFileSync(path.join(dir, `native_preds_${threads}.bin`));
      const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
      const preds: Float32Array[] = [];
      let o = 0;
      for (let m = 0; m < CLASS_MODELS + REG_MODELS; m++) {
        const len = m < CLASS_MODELS ? nt * 3 : nt;
        preds.push(all.subarray(o, o + len));
        o += len;
      }
      const q = quality(preds, test.labels);
      row(`native nthread=${threads}`, r.train, r.cpu, r.predict, r.rss, q);
      if (threads === 1) {
        console.log(
          `ratio vs native nthread=1: train wall ×${(trainS / r.train).toFixed(2)} (target ≤ 1), train cpu ×${(cpuS / r.cpu).toFixed(2)}, ` +
            `Δaccuracy ${(ours.accuracy - q.accuracy).toFixed(4)} (|Δ| ≤ 0.005), RMSE ×${(ours.rmse / q.rmse).toFixed(4)} (≤ 1.02), predict ×${(predictMs / r.predict).toFixed(2)}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sizes = (arg('sizes') ?? '10000,100000').split(',').map(Number);
const workersArg = arg('workers');
const native = !process.argv.includes('--no-native') && hasNative();
if (!native) console.log('native XGBoost not available (/usr/bin/python3 -c "import xgboost" failed) or --no-native: engine numbers only');
for (const n of sizes) await benchSize(n, workersArg === undefined ? undefined : Number(workersArg), native);
