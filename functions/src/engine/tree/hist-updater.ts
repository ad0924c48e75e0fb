/**
 * Grows one tree on the quantised matrix (XGBoost's `grow_quantile_histmaker` with its Driver):
 * depth-wise (a level at a time) or loss-guided (best node first, up to `max_leaves`), with
 * histogram subtraction, and adds the new leaf values to the training margins from the final
 * row partition (XGBoost's prediction cache update).
 */
import type { GradientIndex } from '../data/gradient-index.ts';
import type { Random } from '../random.ts';
import { ColumnSampler } from './column-sampler.ts';
import { allocate, kernels, type Kernels } from '../wasm/kernels.ts';
import { HistogramPool, subtractHistogram } from './histogram.ts';
import { RegTree } from './regtree.ts';
import { RowPartitioner } from './row-partitioner.ts';
import { evaluateSplit, noSplit, type SplitCandidate } from './split-evaluator.ts';
import { calcGain, calcWeight, type TreeMathParams } from './tree-math.ts';

/** Tree-growing parameters (float32 where XGBoost keeps them as float). */
export interface UpdaterParams extends TreeMathParams {
  readonly eta: number;
  readonly gamma: number;
  readonly maxDepth: number;
  readonly maxLeaves: number;
  readonly lossGuide: boolean;
  readonly colsample_bytree: number;
  readonly colsample_bylevel: number;
  readonly colsample_bynode: number;
}

interface Entry {
  nid: number;
  depth: number;
  split: SplitCandidate;
}

const RT_EPS = 1e-6;
const MAX_NODE_BATCH = 256;

/** Updaters not in use, per matrix: jobs on one matrix reuse the row partition and histogram buffers. */
const idle = new WeakMap<GradientIndex, HistUpdater[]>();

/** Reusable state for growing many trees on one matrix. */
export class HistUpdater {
  /** An updater for `gidx`, reusing the buffers of one released earlier when there is one. */
  static acquire(gidx: GradientIndex): HistUpdater {
    return idle.get(gidx)?.pop() ?? new HistUpdater(gidx);
  }

  /** Hand an updater back for the next training on the same matrix. */
  static release(u: HistUpdater): void {
    const list = idle.get(u.gidx);
    if (list) list.push(u);
    else idle.set(u.gidx, [u]);
  }

  private readonly gidx: GradientIndex;
  private readonly pool: HistogramPool;
  private readonly partitioner: RowPartitioner;
  /** This updater's copy of a tree's gradient pairs, in the kernels' memory. */
  private readonly gh: Float32Array;
  /** The histogram kernel for the matrix's bin id width. */
  private readonly histKernel: Kernels['hist_u16'];

  constructor(gidx: GradientIndex) {
    this.gidx = gidx;
    const n = gidx.nrow;
    const memory = gidx.memory;
    // Allocate before reading `memory.buffer`: growing makes a longer buffer.
    const at = allocate(memory, n * 8);
    this.gh = new Float32Array(memory.buffer, at, 2 * n);
    this.partitioner = new RowPartitioner(gidx);
    this.pool = new HistogramPool(gidx.totalBins, memory);
    const k = kernels(memory);
    this.histKernel = gidx.index.BYTES_PER_ELEMENT === 2 ? k.hist_u16 : k.hist_u32;
  }

  /** Add the rows `rows[begin..end)` (row ids into the matrix) into `hist`, zeroed by the caller. */
  private buildHistogram(begin: number, end: number, hist: Float64Array): void {
    this.histKernel(this.gidx.index.byteOffset, this.gidx.ncol, this.gh.byteOffset, this.partitioner.rows.byteOffset, begin, end, hist.byteOffset);
  }

  /**
   * Grow a tree on gradients `gh` (interleaved grad/hess per row) and add its leaf values to
   * `margin[r * stride + offset]` for every row r.
   */
  grow(treeGh: Float32Array, p: UpdaterParams, rng: Random, margin: Float32Array, stride: number, offset: number): RegTree {
    const { ncol, nrow, cuts, numCutBins } = this.gidx;
    const gh = this.gh;
    gh.set(treeGh.subarray(0, 2 * nrow));
    const part = this.partitioner;
    const pool = this.pool;
    const sampler = new ColumnSampler(ncol, p, rng);
    part.reset(nrow);

    let G = 0;
    let H = 0;
    for (let r = 0; r < nrow; r++) {
      G += gh[2 * r];
      H += gh[2 * r + 1];
    }
    const rootWeight = calcWeight(p, G, H);
    const tree = RegTree.leaf(Math.fround(rootWeight * p.eta), rootWeight, H);
    const stats: { g: number; h: number; gain: number }[] = [{ g: G, h: H, gain: calcGain(p, G, H) }];
    const hists = new Map<number, Float64Array>();
    const rootHist = pool.acquire();
    this.buildHistogram(0, nrow, rootHist);
    hists.set(0, rootHist);

    const evalNode = (nid: number, depth: number): Entry => {
      const split = noSplit();
      const s = stats[nid];
      evaluateSplit(hists.get(nid)!, cuts, numCutBins, sampler.features(depth), s.g, s.h, s.gain, p, split);
      return { nid, depth, split };
    };

    const queue: Entry[] = [evalNode(0, 0)];
    let driverLeaves = 1;
    let numLeaves = 1;
    const valid = (e: Entry) =>
      !(
        e.split.lossChg <= RT_EPS ||
        e.split.leftH === 0 ||
        e.split.rightH === 0 ||
        e.split.lossChg < p.gamma ||
        (p.maxDepth > 0 && e.depth === p.maxDepth) ||
        (p.maxLeaves > 0 && driverLeaves === p.maxLeaves)
      );
    // The Driver's priority: depth-wise pops the smallest node id's level; loss-guided the largest gain.
    const better = p.lossGuide
      ? (a: Entry, b: Entry) => (a.split.lossChg === b.split.lossChg ? a.nid < b.nid : a.split.lossChg > b.split.lossChg)
      : (a: Entry, b: Entry) => a.nid < b.nid;
    const popTop = (): Entry => {
      let bi = 0;
      for (let i = 1; i < queue.length; i++) if (better(queue[i], queue[bi])) bi = i;
      return queue.splice(bi, 1)[0];
    };
    const pop = (): Entry[] => {
      if (!queue.length) return [];
      if (p.lossGuide) {
        const e = popTop();
        if (valid(e)) {
          driverLeaves++;
          return [e];
        }
        return [];
      }
      const out: Entry[] = [];
      let e = popTop();
      const level = e.depth;
      for (;;) {
        if (valid(e)) {
          driverLeaves++;
          out.push(e);
        }
        if (!queue.length || out.length >= MAX_NODE_BATCH) break;
        const next = queue.reduce((a, b) => (better(b, a) ? b : a));
        if (next.depth !== level) break;
        e = popTop();
      }
      return out;
    };

    let batch = pop();
    while (batch.length) {
      const depth = batch[0].depth + 1;
      const toBuild: Entry[] = [];
      for (const c of batch) {
        const s = c.split;
        const lw = calcWeight(p, s.leftG, s.leftH);
        const rw = calcWeight(p, s.rightG, s.rightH);
        const baseWeight = calcWeight(p, s.leftG + s.rightG, s.leftH + s.rightH);
        const [l, r] = tree.expand(c.nid, s, baseWeight, Math.fround(lw * p.eta), Math.fround(rw * p.eta), stats[c.nid].h, s.leftH, s.rightH);
        stats[l] = { g: s.leftG, h: s.leftH, gain: calcGain(p, s.leftG, s.leftH) };
        stats[r] = { g: s.rightG, h: s.rightH, gain: calcGain(p, s.rightG, s.rightH) };
        numLeaves++;
        const childOk = !((p.maxDepth > 0 && depth >= p.maxDepth) || (p.maxLeaves > 0 && numLeaves >= p.maxLeaves));
        if (childOk) {
          part.split(c.nid, l, r, s.feature, s.splitBin, numCutBins + s.feature, s.defaultLeft);
          toBuild.push(c);
        } else {
          // Its children stay leaves: their values go straight to the margins, no partition needed.
          part.addToMargins(c.nid, l, r, s.feature, s.splitBin, numCutBins + s.feature, s.defaultLeft, tree.splitConditions[l], tree.splitConditions[r], margin, stride, offset);
          pool.release(hists.get(c.nid)!);
          hists.delete(c.nid);
        }
      }
      const next: Entry[] = [];
      for (const c of toBuild) {
        const l = tree.leftChildren[c.nid];
        const r = tree.rightChildren[c.nid];
        const small = part.count(l) <= part.count(r) ? l : r;
        const large = small === l ? r : l;
        const parentHist = hists.get(c.nid)!;
        const hs = pool.acquire();
        this.buildHistogram(part.begin[small], part.end[small], hs);
        subtractHistogram(parentHist, hs, parentHist);
        hists.delete(c.nid);
        hists.set(small, hs);
        hists.set(large, parentHist);
        next.push(evalNode(l, depth), evalNode(r, depth));
      }
      queue.push(...next);
      batch = pop();
    }
    for (const h of hists.values()) pool.release(h);

    // Prediction cache: every row sits in exactly one leaf segment.
    const rows = part.rows;
    for (let nid = 0; nid < tree.numNodes; nid++) {
      if (!tree.isLeaf(nid)) continue;
      const v = tree.splitConditions[nid];
      if (v === 0) continue;
      for (let i = part.begin[nid], e = part.end[nid]; i < e; i++) {
        const at = rows[i] * stride + offset;
        margin[at] += v;
      }
    }
    return tree;
  }
}
