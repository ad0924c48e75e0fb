/**
 * Rows of each node as a contiguous segment of one index array (XGBoost's RowPartitioner):
 * applying a split partitions the node's segment in place, left rows first, stable.
 */

/** Row segments per node id. */
export class RowPartitioner {
  readonly rows: Uint32Array<ArrayBufferLike>;
  private readonly scratch: Uint32Array;
  begin: number[] = [];
  end: number[] = [];

  /** `rows`: where to keep the row lists (length ≥ n), e.g. a view into the kernels' memory. */
  constructor(n: number, rows: Uint32Array<ArrayBufferLike> = new Uint32Array(n)) {
    this.rows = rows;
    this.scratch = new Uint32Array(n);
  }

  /** Put every row in the root. */
  reset(n: number): void {
    for (let i = 0; i < n; i++) this.rows[i] = i;
    this.begin = [0];
    this.end = [n];
  }

  /** Number of rows in node `nid`. */
  count(nid: number): number {
    return this.end[nid] - this.begin[nid];
  }

  /** Split node `nid` into `left` and `right` on a feature's global bin ids (`columns`: column-major, `nrow` per column). */
  split(
    nid: number,
    left: number,
    right: number,
    columns: Uint16Array | Uint32Array,
    nrow: number,
    feature: number,
    splitBin: number,
    missingBin: number,
    defaultLeft: boolean,
  ): void {
    const rows = this.rows;
    const scratch = this.scratch;
    const b = this.begin[nid];
    const e = this.end[nid];
    let l = b;
    let s = 0;
    // Branch-free: missing bins sit above every cut bin, so `bin <= splitBin` is false for them.
    const dl = defaultLeft ? 1 : 0;
    const base = feature * nrow;
    for (let i = b; i < e; i++) {
      const r = rows[i];
      const bin = columns[base + r];
      const goLeft = +(bin <= splitBin) | (+(bin === missingBin) & dl);
      rows[l] = r;
      scratch[s] = r;
      l += goLeft;
      s += 1 - goLeft;
    }
    rows.set(scratch.subarray(0, s), l);
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
    columns: Uint16Array | Uint32Array,
    nrow: number,
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
