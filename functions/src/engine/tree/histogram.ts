/**
 * Gradient histograms (XGBoost's hist_util): per node, the sums of gradient and hessian in
 * every bin of every feature, interleaved as [g0, h0, g1, h1, …] in a Float64Array. Only the
 * smaller child of a split is built from rows (by the WebAssembly kernel, see kernels.wat); the
 * larger is parent − smaller.
 */
import { allocate } from '../wasm/kernels.ts';

/** `out = parent − child`, element-wise (histogram subtraction). */
export function subtractHistogram(parent: Float64Array, child: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = parent[i] - child[i];
}

/** Histograms allocated at a time when the pool runs dry. */
const CHUNK = 8;

/**
 * Recycles histogram buffers of one size, kept in the kernels' memory (their `byteOffset` is
 * their address there), so that growing a tree allocates almost nothing.
 */
export class HistogramPool {
  private readonly free: Float64Array[] = [];
  private readonly length: number;
  private readonly memory: WebAssembly.Memory;

  constructor(totalBins: number, memory: WebAssembly.Memory) {
    this.length = totalBins * 2;
    this.memory = memory;
  }

  /** A zeroed buffer. */
  acquire(): Float64Array {
    const b = this.free.pop();
    if (b) {
      b.fill(0);
      return b;
    }
    const bytes = this.length * 8;
    const at = allocate(this.memory, bytes * CHUNK);
    const buffer = this.memory.buffer;
    for (let i = 1; i < CHUNK; i++) this.free.push(new Float64Array(buffer, at + i * bytes, this.length));
    // Fresh memory is zero.
    return new Float64Array(buffer, at, this.length);
  }

  /** Give a buffer back for reuse. */
  release(b: Float64Array): void {
    this.free.push(b);
  }
}
