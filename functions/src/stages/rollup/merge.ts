/**
 * Sums of buckets: a day bucket is the sum of its hours, and a reader's window is the sum of the
 * buckets it covers. Every field of a bucket is a count or a sum, so adding is exact; a drift
 * section survives a sum only when every bucket summed carries it (else its counts would cover
 * part of the span and read as a smaller window).
 */
import type { BucketBody } from './fold.ts';
import { compareGroups, emptyGroup, segmentKey } from './fold.ts';
import type { RollupDrift, RollupGroup } from './rollup-schema.ts';

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Add group `b` into group `a` (same key). */
function addGroup(a: RollupGroup, b: RollupGroup): void {
  a.sessions += b.sessions;
  a.scored += b.scored;
  addCounts(a.unscored, b.unscored);
  for (const [t, bySserved] of Object.entries(b.confusion)) {
    const into = (a.confusion[t] ??= {});
    for (const [served, m] of Object.entries(bySserved)) addCounts((into[served] ??= {}), m);
  }
  for (const [t, m] of Object.entries(b.served)) addCounts((a.served[t] ??= {}), m);
  for (const [name, v] of Object.entries(b.vars)) {
    const into = (a.vars[name] ??= { n: 0, sumError: 0, sumAbsError: 0, sumSquaredError: 0 });
    into.n += v.n;
    into.sumError += v.sumError;
    into.sumAbsError += v.sumAbsError;
    into.sumSquaredError += v.sumSquaredError;
  }
}

/** Key of a group (optionally ignoring the segment). */
function groupKey(g: Pick<RollupGroup, 'version' | 'variant' | 'segment'>, withSegment = true): string {
  return `${g.version}\u0000${g.variant}${withSegment ? `\u0000${segmentKey(g.segment)}` : ''}`;
}

/** Sum of bodies (drift sections kept only where every body has them). */
export function sumBodies(bodies: readonly BucketBody[]): BucketBody {
  const out: BucketBody = { read: 0, invalid: {}, duplicates: 0, groups: [], drift: [] };
  const groups = new Map<string, RollupGroup>();
  for (const b of bodies) {
    out.read += b.read;
    out.duplicates += b.duplicates;
    addCounts(out.invalid, b.invalid);
    for (const g of b.groups) {
      const key = groupKey(g);
      let into = groups.get(key);
      if (!into) groups.set(key, (into = emptyGroup(g.version, g.variant, { ...g.segment })));
      addGroup(into, g);
    }
  }
  out.groups = [...groups.values()].sort(compareGroups);
  if (!bodies.length) return out;
  const versions = bodies.map((b) => new Set(b.drift.map((d) => d.version)));
  for (const first of bodies[0].drift) {
    if (!versions.every((s) => s.has(first.version))) continue;
    const sum: RollupDrift = { version: first.version, rows: 0, features: {}, predicted: {} };
    for (const b of bodies) sumDrift(sum, b.drift.find((d) => d.version === first.version)!);
    out.drift.push(sum);
  }
  return out;
}

function sumDrift(into: RollupDrift, d: RollupDrift): void {
  into.rows += d.rows;
  for (const [column, counts] of Object.entries(d.features)) {
    const a = (into.features[column] ??= new Array<number>(counts.length).fill(0));
    counts.forEach((c, i) => (a[i] += c));
  }
  for (const [t, m] of Object.entries(d.predicted)) addCounts((into.predicted[t] ??= {}), m);
}
