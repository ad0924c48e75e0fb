/**
 * The comparison stage (the original `compare_models.py`): two versions scored on the same rows;
 * per target a paired test — McNemar on right/wrong for a class, a seeded paired bootstrap of
 * the RMSE difference for a variable — with Holm's correction across the targets, bootstrap
 * intervals of the loss differences, prediction consistency, API compatibility and latency.
 */
import type { ClassEncoding } from '../../models/labels.ts';
import { bootstrapResamples, pairedBootstrap, type BootstrapInterval, type PairedColumn } from '../../stats/bootstrap.ts';
import { holmAdjust } from '../../stats/holm.ts';
import { mcnemar } from '../../stats/mcnemar.ts';
import { round, type ClassScore } from '../evaluate/class-metrics.ts';
import type { ScoredVersion } from '../evaluate/evaluate.ts';
import type { ResolvedModel } from '../evaluate/model-ref.ts';
import type { VarScore } from '../evaluate/var-metrics.ts';
import { checkCompatibility } from './compatibility.ts';
import { COMPARISON_SCHEMA_VERSION, type ComparedModel, type ComparisonReport, type Consistency, type Interval, type TargetComparison, type Winner } from './comparison-report.ts';

/** One side of a comparison: the resolved version and its scores on the shared rows. */
export interface ComparedSide {
  model: ResolvedModel;
  scored: ScoredVersion;
}

/** Options of `compareScored`. */
export interface CompareOptions {
  /** Significance level (validation.performanceTests.significanceLevel). */
  alpha: number;
  seed: number;
  now: Date;
  /** Bootstrap resamples (default: `bootstrapResamples(rows)`). */
  resamples?: number;
}

function described(side: ComparedSide): ComparedModel {
  const m = side.model.bundle.manifest;
  return { ref: side.model.ref, version: side.model.bundle.version, source: side.model.source, createdAt: m.createdAt, strategy: m.strategy };
}

/** True when two row lists are the same rows. */
function sameRows(x: Int32Array, y: Int32Array): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Both sides score the same rows (the same CSV cells are empty); a mismatch is a bug, not data. */
function assertSameRows(name: string, a: Int32Array, b: Int32Array): void {
  if (a.length !== b.length) throw new RangeError(`${name}: the two versions scored ${a.length} and ${b.length} rows`);
}

const NUMERIC_CLASS = ['accuracy', 'balancedAccuracy', 'macroF1', 'logloss', 'brier', 'ece'] as const;
const NUMERIC_VAR = ['rmse', 'mae', 'r2'] as const;

/** Compare two scored versions (same CSV) target by target. */
export function compareScored(a: ComparedSide, b: ComparedSide, opts: CompareOptions): ComparisonReport {
  const rows = a.scored.report.rows;
  const names = a.model.bundle.labels.targets.map((t) => t.name).filter((n) => b.model.bundle.labels.targets.some((t) => t.name === n && t.kind === a.model.bundle.labels.targets.find((x) => x.name === n)!.kind));
  const level = 1 - opts.alpha;
  type Partial = Omit<TargetComparison, 'p_value_adjusted' | 'significant' | 'winner'> & { name: string; better: Winner };
  const partial = new Map<string, Partial>();
  const consistency: Consistency = {};
  // Targets scored on the same rows share one bootstrap: the same resampled rows, one pass.
  const groups: Array<{ rows: Int32Array; columns: PairedColumn[]; finish: Array<(iv: BootstrapInterval[]) => void> }> = [];
  const bootstrapLater = (rowsOf: Int32Array, columns: PairedColumn[], finish: (iv: BootstrapInterval[]) => void) => {
    let g = groups.find((x) => sameRows(x.rows, rowsOf));
    if (!g) groups.push((g = { rows: rowsOf, columns: [], finish: [] }));
    const offset = g.columns.length;
    g.columns.push(...columns);
    g.finish.push((all) => finish(all.slice(offset, offset + columns.length)));
  };
  const toInterval = (iv: BootstrapInterval): Interval => ({ metric: iv.name, estimate: round(iv.estimate), lower: round(iv.lower), upper: round(iv.upper), level });
  for (const name of names) {
    const ea = a.scored.report.targets[name];
    const eb = b.scored.report.targets[name];
    const sa = a.scored.scores[name];
    const sb = b.scored.scores[name];
    if (ea.kind === 'class' && eb.kind === 'class') {
      const ca = sa as ClassScore;
      const cb = sb as ClassScore;
      assertSameRows(name, ca.scoredRows, cb.scoredRows);
      let aOnly = 0;
      let bOnly = 0;
      for (let i = 0; i < ca.correct.length; i++) {
        if (ca.correct[i] > cb.correct[i]) aOnly += 1;
        else if (cb.correct[i] > ca.correct[i]) bOnly += 1;
      }
      const test = mcnemar(aOnly, bOnly);
      const diff = Object.fromEntries(NUMERIC_CLASS.map((k) => [k, round(eb[k] - ea[k])]));
      bootstrapLater(
        ca.scoredRows,
        [
          { name: 'logloss', kind: 'mean-diff', a: ca.loss, b: cb.loss },
          { name: 'accuracy', kind: 'mean-diff', a: ca.correct, b: cb.correct },
        ],
        (ivs) => partial.set(name, { name, kind: 'class', metric: 'accuracy', a: ea, b: eb, diff, test: test.test, p_value: round(test.pValue), discordant: { a_only: aOnly, b_only: bOnly }, intervals: ivs.map(toInterval), better: bOnly > aOnly ? 'b' : aOnly > bOnly ? 'a' : 'none' }),
      );
      const la = (a.model.bundle.labels.targets.find((t) => t.name === name) as ClassEncoding).labels;
      const lb = (b.model.bundle.labels.targets.find((t) => t.name === name) as ClassEncoding).labels;
      let changed = 0;
      for (let r = 0; r < ca.predicted.length; r++) if (la[ca.predicted[r]] !== lb[cb.predicted[r]]) changed += 1;
      consistency[name] = { changedShare: ca.predicted.length ? round(changed / ca.predicted.length) : 0, meanAbsDiff: null, rows: ca.predicted.length };
    } else if (ea.kind === 'var' && eb.kind === 'var') {
      const va = sa as VarScore;
      const vb = sb as VarScore;
      assertSameRows(name, va.scoredRows, vb.scoredRows);
      const diff = Object.fromEntries(NUMERIC_VAR.map((k) => [k, round(eb[k] - ea[k])]));
      bootstrapLater(
        va.scoredRows,
        // RMSE only: the tested statistic (MAE's difference is reported as a point in `diff`).
        [{ name: 'rmse', kind: 'rmse-diff', a: va.squared, b: vb.squared }],
        ([rmse]) => partial.set(name, { name, kind: 'var', metric: 'rmse', a: ea, b: eb, diff, test: 'paired-bootstrap', p_value: round(rmse.pValue), discordant: null, intervals: [toInterval(rmse)], better: rmse.estimate < 0 ? 'b' : rmse.estimate > 0 ? 'a' : 'none' }),
      );
      const pa = a.scored.predictions[name];
      const pb = b.scored.predictions[name];
      let sum = 0;
      for (let r = 0; r < pa.length; r++) sum += Math.abs(pa[r] - pb[r]);
      consistency[name] = { changedShare: null, meanAbsDiff: pa.length ? round(sum / pa.length) : 0, rows: pa.length };
    }
  }
  for (const g of groups) {
    const ivs = pairedBootstrap(g.columns, { resamples: opts.resamples ?? bootstrapResamples(g.rows.length), seed: opts.seed, level });
    for (const f of g.finish) f(ivs);
  }
  const ordered = names.map((n) => partial.get(n)).filter((p): p is Partial => !!p);
  const adjusted = holmAdjust(ordered.map((p) => p.p_value));
  const targets: Record<string, TargetComparison> = {};
  const aWins: string[] = [];
  const bWins: string[] = [];
  ordered.forEach(({ name, better, ...rest }, i) => {
    const significant = adjusted[i] < opts.alpha && better !== 'none';
    const winner: Winner = significant ? better : 'none';
    if (winner === 'a') aWins.push(name);
    if (winner === 'b') bWins.push(name);
    targets[name] = { ...rest, p_value_adjusted: round(adjusted[i]), significant, winner };
  });
  const compatibility = checkCompatibility(a.model.bundle, b.model.bundle);
  const winner: Winner = bWins.length && !aWins.length ? 'b' : aWins.length && !bWins.length ? 'a' : 'none';
  const va = a.model.bundle.version;
  const vb = b.model.bundle.version;
  const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'no target');
  const verdict =
    (winner === 'none'
      ? aWins.length && bWins.length
        ? `mixed: ${vb} is significantly better on ${list(bWins)} and worse on ${list(aWins)}`
        : `no significant difference between ${va} and ${vb} on any target`
      : `${winner === 'b' ? vb : va} is significantly better on ${list(winner === 'b' ? bWins : aWins)} and worse on none`) +
    ` (Holm-corrected, α = ${opts.alpha}, ${rows} rows)` +
    (compatibility.compatible ? '' : `; NOT compatible: ${compatibility.reasons.join('; ')}`);
  return {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    createdAt: opts.now.toISOString(),
    model_a: described(a),
    model_b: described(b),
    data: a.scored.report.data,
    rows,
    alpha: opts.alpha,
    correction: 'holm',
    bootstrap: { resamples: opts.resamples ?? bootstrapResamples(rows), seed: opts.seed },
    targets,
    compatibility,
    consistency,
    latency: { a: a.scored.report.latency, b: b.scored.report.latency },
    means: { a: a.scored.report.summary, b: b.scored.report.summary },
    summary: { winner, a_wins: aWins, b_wins: bWins, verdict },
    report: null,
  };
}
