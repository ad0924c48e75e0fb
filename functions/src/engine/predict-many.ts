/**
 * Predict many models on one matrix across worker threads: the rows are split into contiguous,
 * balanced chunks, one per worker, and every worker predicts every model on its chunk. The matrix
 * and the flat forests go over as SharedArrayBuffers (nothing is copied or parsed per worker);
 * each chunk's predictions come back transferred. Results equal `Booster.predict` bit for bit.
 */
import { availableParallelism } from 'node:os';
import type { Booster } from './booster.ts';
import type { DMatrix } from './data/dmatrix.ts';
import { runChunk } from './predict-pool.ts';
import type { ForestTask } from './predict-rows.ts';
import type { FlatForest } from './predictor.ts';
import { inSharedMemory } from './shared-memory.ts';

/** Options of `predictMany`. */
export interface PredictManyOptions {
  /** Worker threads (default: available parallelism); 0 or 1 predicts in-process. */
  workers?: number;
  /** Raw margins instead of transformed predictions. */
  outputMargin?: boolean;
  /** Boosting rounds [begin, end) of every model; [0, 0] (default) means all. */
  iterationRange?: [number, number];
  /** Tree walks (rows × trees) from which the workers are used (default `MIN_PARALLEL_TREE_WALKS`). */
  parallelFrom?: number;
}

/**
 * Below this many tree walks (rows × trees) the models predict in-process. One walk costs about
 * 13 ns (bundle workload, one core). Two cold workers cost about 100 ms of CPU each to start and
 * optimize the walk (85 ms compiled, 120 ms from .ts sources); a warm pool adds about 3 ms. From
 * 16M walks (≈ 200 ms in-process, ≈ 9k rows of the bundle) two workers win even from cold.
 */
export const MIN_PARALLEL_TREE_WALKS = 16_000_000;

/** Predictions of every booster on `d` (as `b.predict(d, opts)`), the rows split across worker threads. */
export async function predictMany(boosters: readonly Booster[], d: DMatrix, opts: PredictManyOptions = {}): Promise<Float32Array[]> {
  const workers = opts.workers ?? availableParallelism();
  const tasks = boosters.map((b): ForestTask => {
    b.assertCompatible(d);
    const [begin, end] = b.roundRange(opts.iterationRange);
    const k = b.numGroups;
    return { forest: b.flatForest(), t0: begin * k, t1: end * k, groups: k, baseMargin: b.baseMargin(), transform: opts.outputMargin ? null : b.params };
  });
  const walks = d.nrow * tasks.reduce((n, t) => n + t.t1 - t.t0, 0);
  if (workers <= 1 || d.nrow < 2 || walks < (opts.parallelFrom ?? MIN_PARALLEL_TREE_WALKS)) {
    return boosters.map((b) => b.predict(d, { outputMargin: opts.outputMargin, iterationRange: opts.iterationRange }));
  }
  return await predictOnWorkers(tasks, d.data, d.nrow, d.ncol, workers);
}

/**
 * Every task's predictions of rows 0..nrow of `values`, always on pooled threads: one chunk of
 * rows per worker (at least one worker, at most one per row), rows [⌊c·n/w⌋, ⌊(c+1)·n/w⌋) in chunk c.
 */
export async function predictOnWorkers(tasks: readonly ForestTask[], values: Float32Array, nrow: number, ncol: number, workers: number): Promise<Float32Array[]> {
  const chunks = Math.min(Math.max(1, workers), nrow);
  const shared = inSharedMemory(values.subarray(0, nrow * ncol));
  const sharedTasks = tasks.map((t) => ({ ...t, forest: sharedForest(t.forest) }));
  const bounds = Array.from({ length: chunks + 1 }, (_, c) => Math.floor((c * nrow) / chunks));
  const parts = await Promise.all(Array.from({ length: chunks }, (_, c) => runChunk({ values: shared, ncol, r0: bounds[c], r1: bounds[c + 1], tasks: sharedTasks }, chunks)));
  return tasks.map((_, m) => {
    // Every row has the same width (groups, or 1 for an argmax), read off a non-empty chunk.
    const width = chunks ? parts[0][m].length / (bounds[1] - bounds[0]) : 0;
    const out = new Float32Array(nrow * width);
    parts.forEach((p, c) => out.set(p[m], bounds[c] * width));
    return out;
  });
}

/** Shared copies of flat forests, made once per forest (a booster keeps its forest until a tree is added). */
const sharedForests = new WeakMap<FlatForest, FlatForest>();

function sharedForest(f: FlatForest): FlatForest {
  let s = sharedForests.get(f);
  if (!s) {
    const share = <T extends Int32Array | Float32Array | Uint8Array>(a: T): T => {
      const c = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
      c.set(a);
      return c;
    };
    s = {
      treeOffset: share(f.treeOffset),
      depth: share(f.depth),
      left: share(f.left),
      key: share(f.key),
      threshold: share(f.threshold),
      leaf: share(f.leaf),
      localId: share(f.localId),
      group: share(f.group),
      exact: share(f.exact),
    };
    sharedForests.set(f, s);
  }
  return s;
}
