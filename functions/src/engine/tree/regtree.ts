/**
 * A regression tree in XGBoost's array layout (RegTree): node 0 is the root, children are
 * allocated in pairs as nodes expand, and a leaf keeps its value (already scaled by eta) in
 * `splitConditions`, exactly as the JSON model stores it.
 */

/** One tree; arrays are indexed by node id. */
export class RegTree {
  leftChildren: number[] = [];
  rightChildren: number[] = [];
  parents: number[] = [];
  splitIndices: number[] = [];
  splitConditions: number[] = [];
  defaultLeft: number[] = [];
  baseWeights: number[] = [];
  lossChanges: number[] = [];
  sumHessian: number[] = [];

  /** A tree with a single leaf. */
  static leaf(value: number, baseWeight: number, sumHess: number): RegTree {
    const t = new RegTree();
    t.push(2147483647, value, baseWeight, sumHess);
    return t;
  }

  get numNodes(): number {
    return this.leftChildren.length;
  }

  /** True when `nid` has no children. */
  isLeaf(nid: number): boolean {
    return this.leftChildren[nid] === -1;
  }

  private push(parent: number, leafValue: number, baseWeight: number, sumHess: number): number {
    const id = this.leftChildren.length;
    this.leftChildren.push(-1);
    this.rightChildren.push(-1);
    this.parents.push(parent);
    this.splitIndices.push(0);
    this.splitConditions.push(Math.fround(leafValue));
    this.defaultLeft.push(0);
    this.baseWeights.push(Math.fround(baseWeight));
    this.lossChanges.push(0);
    this.sumHessian.push(Math.fround(sumHess));
    return id;
  }

  /** Turn leaf `nid` into a split with two new leaves; returns their ids. */
  expand(
    nid: number,
    split: { feature: number; value: number; defaultLeft: boolean; lossChg: number },
    baseWeight: number,
    leftLeaf: number,
    rightLeaf: number,
    sumHess: number,
    leftHess: number,
    rightHess: number,
  ): [number, number] {
    const l = this.push(nid, leftLeaf, leftLeaf, leftHess);
    const r = this.push(nid, rightLeaf, rightLeaf, rightHess);
    this.leftChildren[nid] = l;
    this.rightChildren[nid] = r;
    this.splitIndices[nid] = split.feature;
    this.splitConditions[nid] = Math.fround(split.value);
    this.defaultLeft[nid] = split.defaultLeft ? 1 : 0;
    this.baseWeights[nid] = Math.fround(baseWeight);
    this.lossChanges[nid] = Math.fround(split.lossChg);
    this.sumHessian[nid] = Math.fround(sumHess);
    return [l, r];
  }

  /** Depth of node `nid` (root = 0). */
  depth(nid: number): number {
    let d = 0;
    while (nid !== 0) {
      nid = this.parents[nid];
      d++;
    }
    return d;
  }

  /** The leaf reached by one row of `data` starting at `offset` (XGBoost's split semantics). */
  leafIndex(data: Float32Array, offset: number): number {
    let nid = 0;
    while (this.leftChildren[nid] !== -1) {
      const v = data[offset + this.splitIndices[nid]];
      if (v !== v) nid = this.defaultLeft[nid] ? this.leftChildren[nid] : this.rightChildren[nid];
      else nid = v < this.splitConditions[nid] ? this.leftChildren[nid] : this.rightChildren[nid];
    }
    return nid;
  }
}
