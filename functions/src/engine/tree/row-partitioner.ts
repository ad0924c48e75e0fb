/**
 * Rows of each node as a contiguous segment of one index array (XGBoost's RowPartitioner):
 * applying a split partitions the node's segment in place, left rows first, stable. The row
 * lists live in the kernels' memory next to the binned matrix, and the partition pass runs there
 * (kernels.wat); the histogram kernel reads the same lists.
 */
import type { GradientIndex } from '../data/gradient-index.ts';
import { allocate, kernels, type Kernels } from '../wasm/kernels.ts';

/** Row segments per node id. */
export class RowPartitioner {
  /** Row ids, grouped by node: node `nid` owns `rows[begin[nid]..end[nid])`. */
  readonly rows: Uint32Array<ArrayBufferLike>;
  begin: number[] = [];
  end: number[] = [];
  private readonly gidx: GradientIndex;
  private readonly scratchAt: number;
  private readonly kernels: Kernels;
  private readonly partition: Kernels['partition_u16'];
  /** Bytes per bin id in `gidx.columns`. */
  private readonly width: number;

  constructor(gidx: GradientIndex) {
    const n = gidx.nrow;
    const at = allocate(gidx.memory, n * 8);
    this.gidx = gidx;
    this.rows = new Uint32Array(gidx.memory.buffer, at, n);
    this.scratchAt = at + n * 4;
    this.kernels = kernels(gidx.memory);
    this.width = gidx.columns.BYTES_PER_ELEMENT;
    this.partition = this.width === 2 ? this.kernels.partition_u16 : this.kernels.partition_u32;
  }

  /** Put every row in the root. */
  reset(n: number): void {
    this.kernels.iota(this.rows.byteOffset, n);
    this.begin = [0];
    this.end = [n];
  }

  /** Number of rows in node `nid`. */
  count(nid: number): number {
    return this.end[nid] - this.begin[nid];
  }

  /** Split node `nid` into `left` and `right` on a feature's global bin ids (missing rows go left when `defaultLeft`). */
  split(nid: number, left: number, right: number, feature: number, splitBin: number, missingBin: number, defaultLeft: boolean): void {
    const b = this.begin[nid];
    const e = this.end[nid];
    const { columns, nrow } = this.gidx;
    const column = columns.byteOffset + feature * nrow * this.width;
    const l = this.partition(column, this.rows.byteOffset, this.scratchAt, b, e, splitBin, missingBin, defaultLeft ? 1 : 0);
    this.begin[left] = b;
    this.end[left] = l;
    this.begin[right] = l;
    this.end[right] = e;
  }

  /**
   * For a split whose two children stay leaves: add the left or right leaf value to each of the
   * node's rows' margins (`margin[row * stride + offset]`) instead of partitioning the rows. The
   * children get empty segments, so the final leaf pass adds nothing for them. A zero leaf value
   * adds nothing, as in the leaf pass.
   */
  addToMargins(
    nid: number,
    left: number,
    right: number,
    feature: number,
    splitBin: number,
    missingBin: number,
    defaultLeft: boolean,
    leftValue: number,
    rightValue: number,
    margin: Float32Array,
    stride: number,
    offset: number,
  ): void {
    const rows = this.rows;
    const { columns, nrow } = this.gidx;
    const base = feature * nrow;
    for (let i = this.begin[nid], e = this.end[nid]; i < e; i++) {
      const r = rows[i];
      const bin = columns[base + r];
      const v = bin <= splitBin || (defaultLeft && bin === missingBin) ? leftValue : rightValue;
      if (v !== 0) margin[r * stride + offset] += v;
    }
    this.begin[left] = this.end[left] = this.begin[right] = this.end[right] = 0;
  }
}
