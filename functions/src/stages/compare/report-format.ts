/**
 * How a comparison reads, the same way in its charts, its HTML page and its Markdown summary:
 * version labels, target titles, the headline numbers of a target and their formatting. Every
 * function returns plain text; escaping is the job of the HTML and Markdown renderers.
 */
import { VAR_SPECS } from '../../data/targets.ts';
import type { ComparisonReport, Interval, TargetComparison, Winner } from './comparison-report.ts';

/** Legend and table labels of the two versions; the `A ·`/`B ·` prefix keeps them apart when both names are equal. */
export interface VersionLabels {
  a: string;
  b: string;
}

/** The labels of the two versions of a report, as every chart's legend and the tables name them. */
export function versionLabels(report: ComparisonReport): VersionLabels {
  return { a: `A · ${report.model_a.version}`, b: `B · ${report.model_b.version}` };
}

/** Who won a test, in words a reader does not have to decode. */
export function winnerText(winner: Winner, labels: VersionLabels): string {
  return winner === 'a' ? labels.a : winner === 'b' ? labels.b : 'none';
}

/** `css_var_3 · touch_target_px (px)` for a CSS variable target, the column name otherwise. */
export function targetTitle(target: string): string {
  const spec = VAR_SPECS.find((s) => s.column === target);
  return spec ? `${target} · ${spec.name} (${spec.unit})` : target;
}

/** The targets of a report split by kind, each in the report's order. */
export function targetsByKind(report: ComparisonReport): { classes: [string, TargetComparison][]; vars: [string, TargetComparison][] } {
  const entries = Object.entries(report.targets);
  return { classes: entries.filter(([, t]) => t.kind === 'class'), vars: entries.filter(([, t]) => t.kind === 'var') };
}

/** The tested metric's value under a version (accuracy of a classifier, RMSE of a regressor). */
export function headline(evaluation: TargetComparison['a']): number {
  return evaluation.kind === 'class' ? evaluation.accuracy : evaluation.rmse;
}

/** The bootstrap interval of the tested metric's `b − a`, when the comparison computed one. */
export function testedInterval(target: TargetComparison): Interval | null {
  return target.intervals.find((i) => i.metric === target.metric) ?? null;
}

/** `b − a` of the tested metric: the diff entry, else the interval's estimate, else the headline difference. */
export function testedDiff(target: TargetComparison): number {
  return target.diff[target.metric] ?? testedInterval(target)?.estimate ?? headline(target.b) - headline(target.a);
}

/** The name of the multiple-testing correction, as a sentence spells it (`Holm`). */
export function correctionName(report: ComparisonReport): string {
  return report.correction.charAt(0).toUpperCase() + report.correction.slice(1);
}

/** A metric value with four significant decimals (accuracies, RMSEs, log losses). */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toFixed(4);
}

/** A difference with its sign always shown. */
export function formatDiff(value: number): string {
  const text = formatMetric(value);
  return value > 0 ? `+${text}` : text;
}

/** A p-value: three decimals, `< 0.001` below that. */
export function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** A share as a percentage with one decimal. */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Milliseconds: two decimals, three below 1 ms (one row takes a few hundredths). */
export function formatMs(ms: number): string {
  return `${ms.toFixed(ms < 1 ? 3 : 2)} ms`;
}

/** `[lower, upper] (95%)` of an interval. */
export function formatInterval(interval: Interval): string {
  return `[${formatDiff(interval.lower)}, ${formatDiff(interval.upper)}] (${Math.round(interval.level * 100)}%)`;
}

/** One row of the per-target table, shared by the HTML page and the Markdown summary. */
export interface TargetRow {
  target: string;
  title: string;
  metric: string;
  a: string;
  b: string;
  diff: string;
  interval: string;
  test: string;
  p: string;
  pAdjusted: string;
  significant: string;
  winner: string;
}

/** The per-target table of a report, in the report's order. */
export function targetRows(report: ComparisonReport): TargetRow[] {
  const labels = versionLabels(report);
  return Object.entries(report.targets).map(([target, t]) => {
    const interval = testedInterval(t);
    return {
      target,
      title: targetTitle(target),
      metric: t.metric,
      a: formatMetric(headline(t.a)),
      b: formatMetric(headline(t.b)),
      diff: formatDiff(testedDiff(t)),
      interval: interval ? formatInterval(interval) : '—',
      test: t.test,
      p: formatP(t.p_value),
      pAdjusted: formatP(t.p_value_adjusted),
      significant: t.significant ? 'yes' : 'no',
      winner: winnerText(t.winner, labels),
    };
  });
}
