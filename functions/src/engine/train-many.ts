/**
 * Train many independent models at once on worker threads (e.g. the eleven models of a bundle
 * on one matrix). Matrices go to workers as SharedArrayBuffers, once per distinct matrix; the main
 * thread bins each training matrix once (per `max_bin` and weights) into shared memory, so no
 * worker re-bins or copies it. Results equal sequential `train` exactly.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ConfigError, DataError } from '../shared/errors.ts';
import { buildGradientIndex } from './data/gradient-index.ts';
import { validateParams, type BoosterParams } from './params.ts';
import { inSharedMemory } from './shared-memory.ts';
import { matrixCache, runJob, type BinsSpec, type JobSpec, type MatrixSpec, type ManyResult } from './train-job.ts';

/** A dense matrix as plain arrays (row-major float32, NaN = missing). */
export interface MatrixData {
  values: Float32Array;
  nrow: number;
  ncol: number;
  featureNames?: string[];
}

/** One model to train. */
export interface TrainJob {
  params: BoosterParams;
  data: MatrixData;
  label: Float32Array;
  weight?: Float32Array;
  evals?: Array<{ name: string; data: MatrixData; label: Float32Array; weight?: Float32Array }>;
  numBoostRound: number;
  earlyStoppingRounds?: number;
  /** XGBoost JSON of a model to continue from. */
  xgbModel?: string;
}

/** Options of `trainMany`. */
export interface TrainManyOptions {
  /** Worker threads (default: available parallelism); 0 or 1 trains in-process. */
  workers?: number;
  /** Called as jobs finish. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Old-generation heap per worker, in MB (default 40). A job that needs more is trained again
   * on a worker without the limit, so the limit costs time only when a model is unusually large.
   */
  workerHeapMb?: number;
  /** Called when a job is trained again because its worker ran out of heap. */
  onHeapRetry?: (job: number) => void;
}

export type { ManyResult };

/** The worker file next to this one: `.ts` when run from source, `.js` once compiled (Cloud Functions). */
const WORKER_URL = new URL(`./train-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * V8's young generation per worker. The default lets it grow to 32 MB per worker on this
 * workload, mostly short-lived tree-growing objects; 4 MB keeps the same speed (the buffers a
 * tree is grown in live in the kernels' memory, not on the heap) and took 9 MB off the peak.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/**
 * V8's old generation per worker. Without a limit V8 lets it grow to several times what a job
 * keeps alive (its trees, and the model text at the end): 100 rounds of eleven depth-6 models
 * on 100k rows raised the peak RSS by 136 MB with two workers, 117 MB with this limit, at the
 * same speed. A job that outgrows it (a very large model) fails with ERR_WORKER_OUT_OF_MEMORY
 * and is trained again on a worker without the limit, with the same result.
 */
const WORKER_OLD_GENERATION_MB = 40;

/** Train every job, on worker threads when there is more than one job and worker. */
export async function trainMany(jobs: TrainJob[], opts: TrainManyOptions = {}): Promise<ManyResult[]> {
  const total = jobs.length;
  const workers = Math.min(opts.workers ?? availableParallelism(), total);
  // Register each distinct matrix once.
  const ids = new Map<Float32Array, number>();
  const matrices: MatrixSpec[] = [];
  const ref = (m: MatrixData): number => {
    let id = ids.get(m.values);
    if (id === undefined) {
      id = matrices.length;
      ids.set(m.values, id);
      matrices.push({ values: workers > 1 ? inSharedMemory(m.values) : m.values, nrow: m.nrow, ncol: m.ncol, featureNames: m.featureNames });
    }
    return id;
  };
  const specs: JobSpec[] = jobs.map((j) => ({
    params: j.params,
    data: ref(j.data),
    label: j.label,
    weight: j.weight,
    evals: (j.evals ?? []).map((e) => ({ name: e.name, data: ref(e.data), label: e.label, weight: e.weight })),
    numBoostRound: j.numBoostRound,
    earlyStoppingRounds: j.earlyStoppingRounds,
    xgbModel: j.xgbModel,
  }));
  if (workers <= 1) {
    const cache = matrixCache();
    const out: ManyResult[] = [];
    for (const s of specs) {
      out.push(runJob(s, matrices, cache));
      opts.onProgress?.(out.length, total);
    }
    return out;
  }
  return runOnWorkers(specs, matrices, workers, opts.onProgress, opts.workerHeapMb ?? WORKER_OLD_GENERATION_MB, opts.onHeapRetry);
}

/**
 * Bins for a job's training matrix, built on first use and shared by every job with the same
 * matrix, `max_bin` and weights. Jobs whose parameters do not validate get none: their worker
 * raises the error itself.
 */
function binner(matrices: MatrixSpec[]): (job: JobSpec) => BinsSpec | undefined {
  const made = new Map<string, BinsSpec>();
  const weightIds = new Map<Float32Array, number>();
  return (job) => {
    if (job.numBoostRound === 0) return undefined;
    let maxBin: number;
    try {
      maxBin = validateParams(job.params).max_bin;
    } catch {
      return undefined;
    }
    let w = 0;
    if (job.weight) {
      w = weightIds.get(job.weight) ?? weightIds.size + 1;
      weightIds.set(job.weight, w);
    }
    const key = `${job.data}/${maxBin}/${w}`;
    let bins = made.get(key);
    if (!bins) {
      const m = matrices[job.data];
      bins = { id: made.size, maxBin, gidx: buildGradientIndex(m.values, m.nrow, m.ncol, maxBin, job.weight) };
      made.set(key, bins);
    }
    return bins;
  };
}

function runOnWorkers(specs: JobSpec[], matrices: MatrixSpec[], n: number, onProgress: ((d: number, t: number) => void) | undefined, heapMb: number, onHeapRetry?: (job: number) => void): Promise<ManyResult[]> {
  const results: ManyResult[] = new Array(specs.length);
  const binsOf = binner(matrices);
  let next = 0;
  let done = 0;
  const pool = new Set<Worker>();
  /** The job each worker is training, and jobs to train again (their worker ran out of heap). */
  const running = new Map<Worker, number>();
  const retry: number[] = [];
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(err);
    };
    // Longest jobs first (rows × rounds × trees per round) so that workers finish together.
    const cost = (s: JobSpec) => matrices[s.data].nrow * s.numBoostRound * (Number(s.params.num_class) > 1 ? Number(s.params.num_class) : 1);
    const order = specs.map((_, i) => i).sort((a, b) => cost(specs[b]) - cost(specs[a]) || a - b);
    const feed = (w: Worker) => {
      const i = retry.length ? retry.shift() : next < specs.length ? order[next++] : undefined;
      if (i === undefined) {
        running.delete(w);
        pool.delete(w);
        void w.terminate();
        return;
      }
      running.set(w, i);
      w.postMessage({ i, job: { ...specs[i], bins: binsOf(specs[i]) } });
    };
    const spawn = (limited: boolean): Worker => {
      const resourceLimits = limited
        ? { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: heapMb }
        : { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
      const w = new Worker(WORKER_URL, { workerData: { matrices }, resourceLimits });
      pool.add(w);
      w.on('message', (msg: { i: number; result?: ManyResult; error?: { message: string; name: string; json?: Record<string, unknown> } }) => {
        if (msg.error) return fail(revive(msg.error));
        results[msg.i] = msg.result!;
        done++;
        onProgress?.(done, specs.length);
        if (done === specs.length) {
          for (const x of pool) void x.terminate();
          resolve(results);
        } else feed(w);
      });
      w.on('error', (err: Error & { code?: string }) => {
        const job = running.get(w);
        if (limited && err.code === 'ERR_WORKER_OUT_OF_MEMORY' && job !== undefined && !failed) {
          // Train that job again, on a worker without the heap limit.
          running.delete(w);
          pool.delete(w);
          retry.push(job);
          onHeapRetry?.(job);
          feed(spawn(false));
          return;
        }
        fail(err);
      });
      w.on('exit', (code) => {
        if (!failed && pool.has(w) && done < specs.length && code !== 0 && code !== 1) fail(new Error(`training worker exited with code ${code}`));
      });
      return w;
    };
    // Start every worker before the first binning, so that their start-up overlaps it.
    const started = Array.from({ length: n }, () => spawn(true));
    for (const w of started) feed(w);
  });
}

/** Rebuild a pipeline error thrown inside a worker so callers can still test its class. */
function revive(e: { message: string; name: string; json?: Record<string, unknown> }): Error {
  if (e.json?.code === 'CONFIG_INVALID') return new ConfigError(e.message, (e.json.details as Record<string, unknown>) ?? {});
  if (e.json && typeof e.json.code === 'string') {
    return new DataError(e.message, { stage: 'engine', code: e.json.code, details: (e.json.details as Record<string, unknown>) ?? {} });
  }
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
