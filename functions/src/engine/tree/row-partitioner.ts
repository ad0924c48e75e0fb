/**
 * Rows of each node as a contiguous segment of one index array (XGBoost's RowPartitioner):
 * applying a split partitions the node's segment in place, left rows first, stable.
 */

/** Row segments per node id. */
export class RowPartitioner {
  readonly rows: Uint32Array;
  private readonly scratch: Uint32Array;
  begin: number[] = [];
  end: number[] = [];

  constructor(n: number) {
    this.rows = new Uint32Array(n);
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

  /** Split node `nid` into `left` and `right` on a feature's global bin ids (row-major `index`, `ncol` per row). */
  split(
    nid: number,
    left: number,
    right: number,
    index: Uint16Array | Uint32Array,
    ncol: number,
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
    for (let i = b; i < e; i++) {
      const r = rows[i];
      const bin = index[r * ncol + feature];
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
}
