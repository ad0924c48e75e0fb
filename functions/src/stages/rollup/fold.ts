/**
 * Folding interaction logs into one bucket: validate each document (invalid ones counted by
 * reason), keep the first document of each session id (later ones counted as duplicates), group
 * the rest by served version × variant × segment, score what was served against the targets
 * inferred from behaviour, and see every session through each tracked version's frozen reference
 * (feature bins, predicted classes) for the drift trigger. Documents arrive in the log store's
 * order (timestamp, then id), so two folds of the same documents make the same bucket.
 */
import { FEATURE_COLUMNS, FEATURE_COUNT, prepareFeaturesV2 } from '../../data/features.ts';
import { TARGET_CLASS_COLUMNS, TARGET_VAR_COLUMNS, inferTargets } from '../../data/targets.ts';
import { predictBundle, type LoadedBundle } from '../../models/bundle.ts';
import { binOf, type ReferenceStats } from '../../models/reference-stats.ts';
import type { RawLog } from '../../ports/index.ts';
import { validateLog } from '../collect/log-validation.ts';
import type { RollupDrift, RollupGroup } from './rollup-schema.ts';

/** A version the drift section is kept for: its reference bins and its class models. */
export interface DriftRef {
  version: string;
  reference: ReferenceStats;
  /** The version's bundle restricted to its class targets. */
  bundle: Pick<LoadedBundle, 'scaler' | 'labels' | 'boosters'>;
}

/** The counted part of a bucket (everything but its span and bookkeeping). */
export interface BucketBody {
  read: number;
  invalid: Record<string, number>;
  duplicates: number;
  groups: RollupGroup[];
  drift: RollupDrift[];
}

/** Rows predicted at once for the drift section (bounds memory, amortises the predictor's set-up). */
const DRIFT_BATCH_ROWS = 4096;

/** An empty group. */
export function emptyGroup(version: string | null, variant: RollupGroup['variant'], segment: Record<string, string>): RollupGroup {
  return { version, variant, segment, sessions: 0, scored: 0, unscored: {}, confusion: {}, served: {}, vars: {} };
}

/** An empty drift section of a reference. */
function emptyDrift(ref: Pick<DriftRef, 'version' | 'reference'>): RollupDrift {
  const features: Record<string, number[]> = {};
  for (const column of FEATURE_COLUMNS) {
    const h = ref.reference.features[column];
    if (h) features[column] = new Array<number>(Math.max(1, h.frequencies.length)).fill(0);
  }
  return { version: ref.version, rows: 0, features, predicted: {} };
}

const bump = (m: Record<string, number>, k: string, by = 1) => {
  m[k] = (m[k] ?? 0) + by;
};

/** Folds documents into one bucket. */
export class BucketFolder {
  readonly #refs: readonly DriftRef[];
  readonly #seen = new Set<string>();
  readonly #groups = new Map<string, RollupGroup>();
  readonly #drift: RollupDrift[];
  readonly #row = new Float64Array(FEATURE_COUNT);
  #pending: Float32Array;
  #pendingRows = 0;
  #read = 0;
  #duplicates = 0;
  readonly #invalid: Record<string, number> = {};

  constructor(refs: readonly DriftRef[]) {
    this.#refs = refs;
    this.#drift = refs.map(emptyDrift);
    this.#pending = new Float32Array(refs.length ? DRIFT_BATCH_ROWS * FEATURE_COUNT : 0);
  }

  /** Fold one document. */
  add(raw: RawLog): void {
    this.#read += 1;
    const verdict = raw.unreadable === undefined ? validateLog(raw.data) : ({ ok: false, reason: 'unreadable' } as const);
    if (!verdict.ok) {
      bump(this.#invalid, verdict.reason);
      return;
    }
    const log = verdict.log;
    if (this.#seen.has(log.session_id)) {
      this.#duplicates += 1;
      return;
    }
    this.#seen.add(log.session_id);
    const s = log.served;
    const variant = s.variant ?? (s.model_version === null ? 'default' : 'current');
    const segment = log.context.device_class;
    const key = `${s.model_version}\u0000${variant}\u0000${segment}`;
    let g = this.#groups.get(key);
    if (!g) this.#groups.set(key, (g = emptyGroup(s.model_version, variant, { device_class: segment })));
    g.sessions += 1;
    for (const name of TARGET_CLASS_COLUMNS) bump((g.served[name] ??= {}), s[name]);
    const t = inferTargets(log);
    if (!t.ok) bump(g.unscored, t.reason);
    else {
      g.scored += 1;
      for (const name of TARGET_CLASS_COLUMNS) bump(((g.confusion[name] ??= {})[s[name]] ??= {}), t.classes[name]);
      TARGET_VAR_COLUMNS.forEach((name, i) => {
        const v = (g.vars[name] ??= { n: 0, sumError: 0, sumAbsError: 0, sumSquaredError: 0 });
        const e = s.css_vars[i] - t.vars[i];
        v.n += 1;
        v.sumError += e;
        v.sumAbsError += Math.abs(e);
        v.sumSquaredError += e * e;
      });
    }
    if (this.#refs.length) {
      prepareFeaturesV2(log.context, this.#row, 0);
      this.#pending.set(this.#row, this.#pendingRows * FEATURE_COUNT);
      this.#pendingRows += 1;
      if (this.#pendingRows === DRIFT_BATCH_ROWS) this.#flushDrift();
    }
  }

  /** Bin and predict the buffered rows through every reference. */
  #flushDrift(): void {
    const rows = this.#pendingRows;
    if (!rows) return;
    const values = this.#pending.subarray(0, rows * FEATURE_COUNT);
    this.#refs.forEach((ref, k) => {
      const d = this.#drift[k];
      d.rows += rows;
      FEATURE_COLUMNS.forEach((column, c) => {
        const counts = d.features[column];
        const h = ref.reference.features[column];
        if (!counts || !h) return;
        const last = counts.length - 1;
        for (let r = 0; r < rows; r++) {
          const v = values[r * FEATURE_COUNT + c];
          if (!Number.isNaN(v)) counts[Math.min(last, binOf(h.edges, v))] += 1;
        }
      });
      const preds = predictBundle(ref.bundle, values, rows);
      for (const t of ref.bundle.labels.targets) {
        if (t.kind !== 'class') continue;
        const k2 = t.labels.length;
        const p = preds[t.name];
        const out = (d.predicted[t.name] ??= Object.fromEntries(t.labels.map((l) => [l, 0])));
        for (let r = 0; r < rows; r++) {
          let best = 0;
          for (let j = 1; j < k2; j++) if (p[r * k2 + j] > p[r * k2 + best]) best = j;
          out[t.labels[best]] += 1;
        }
      }
    });
    this.#pendingRows = 0;
  }

  /** The bucket's counts (groups in a stable order). */
  finish(): BucketBody {
    this.#flushDrift();
    const groups = [...this.#groups.values()].sort(compareGroups);
    return { read: this.#read, invalid: this.#invalid, duplicates: this.#duplicates, groups, drift: this.#drift };
  }
}

/** A segment as text, keys sorted (a store may return a map's keys in any order). */
export function segmentKey(segment: Record<string, string>): string {
  return Object.keys(segment)
    .sort()
    .map((k) => `${k}=${segment[k]}`)
    .join('\u0001');
}

/** Stable order of groups: version, variant, segment. */
export function compareGroups(a: RollupGroup, b: RollupGroup): number {
  return String(a.version).localeCompare(String(b.version)) || a.variant.localeCompare(b.variant) || segmentKey(a.segment).localeCompare(segmentKey(b.segment));
}
