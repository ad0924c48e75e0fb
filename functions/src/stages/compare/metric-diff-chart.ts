/**
 * The tested difference of every target with its bootstrap interval, one row per target: the
 * comparison's answer on one page. Classifiers show accuracy B − A in percentage points; the
 * regressors' RMSEs have eight different units (×, px, ms), so their B − A is shown as a share
 * of A's RMSE, which puts them on one axis. Points are coloured by the Holm-corrected outcome.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ComparisonReport, TargetComparison } from './comparison-report.ts';
import { CHART_CONFIG, COLOR_A, COLOR_B, COLOR_NEUTRAL } from './chart-theme.ts';
import { headline, targetTitle, targetsByKind, testedDiff, testedInterval, versionLabels, type VersionLabels } from './report-format.ts';

/** Width of a panel, px; each row is `ROW_PX` high. */
const PANEL_WIDTH_PX = 460;
const ROW_PX = 26;

interface Row {
  target: string;
  estimate: number;
  lower: number | null;
  upper: number | null;
  outcome: string;
}

function outcomes(labels: VersionLabels): { b: string; a: string; none: string } {
  return { b: `${labels.b} better (significant)`, a: `${labels.a} better (significant)`, none: 'No significant difference' };
}

/** One row, with the difference and its interval multiplied by `scale` (to percentage points or % of A). */
function rowOf(name: string, t: TargetComparison, scale: number, labels: VersionLabels): Row {
  const interval = testedInterval(t);
  const named = outcomes(labels);
  return {
    target: targetTitle(name),
    estimate: testedDiff(t) * scale,
    lower: interval ? interval.lower * scale : null,
    upper: interval ? interval.upper * scale : null,
    outcome: t.significant ? named[t.winner] : named.none,
  };
}

function panel(title: string, axisTitle: string, rows: Row[], labels: VersionLabels) {
  const named = outcomes(labels);
  const y = { field: 'target', type: 'nominal' as const, sort: rows.map((r) => r.target), title: null, axis: { minExtent: 240, labelLimit: 320 } };
  return {
    title: { text: title, fontSize: 13, frame: 'group' as const },
    width: PANEL_WIDTH_PX,
    height: { step: ROW_PX },
    data: { values: rows },
    layer: [
      // Its own one-row data: a datum encoding over the panel's rows would draw one zero line per row.
      { data: { values: [{}] }, mark: { type: 'rule' as const, color: COLOR_NEUTRAL, strokeDash: [3, 3] }, encoding: { x: { datum: 0, type: 'quantitative' as const } } },
      {
        transform: [{ filter: 'datum.lower != null && datum.upper != null' }],
        mark: { type: 'rule' as const, strokeWidth: 2 },
        encoding: { y, x: { field: 'lower', type: 'quantitative' as const, title: axisTitle }, x2: { field: 'upper' }, color: { field: 'outcome', type: 'nominal' as const } },
      },
      {
        mark: { type: 'point' as const, filled: true, size: 70, opacity: 1 },
        encoding: {
          y,
          x: { field: 'estimate', type: 'quantitative' as const, title: axisTitle },
          color: {
            field: 'outcome',
            type: 'nominal' as const,
            title: 'Outcome (Holm-corrected)',
            scale: { domain: [named.b, named.a, named.none], range: [COLOR_B, COLOR_A, COLOR_NEUTRAL] },
          },
        },
      },
    ],
  };
}

/** The metric-difference chart of a report, or null when it has no target. */
export function metricDiffSpec(report: ComparisonReport): TopLevelSpec | null {
  const { classes, vars } = targetsByKind(report);
  if (classes.length + vars.length === 0) return null;
  const labels = versionLabels(report);
  const level = Object.values(report.targets).flatMap((t) => t.intervals)[0]?.level ?? 0.95;
  const panels = [];
  if (classes.length > 0) {
    panels.push(panel('Classifiers: accuracy', 'Accuracy B − A (percentage points)', classes.map(([n, t]) => rowOf(n, t, 100, labels)), labels));
  }
  if (vars.length > 0) {
    // A's RMSE is 0 only for a constant target fitted exactly; its difference is then shown unscaled.
    const rows = vars.map(([n, t]) => rowOf(n, t, 100 / (headline(t.a) || 100), labels));
    panels.push(panel("Regressors: RMSE (lower is better)", "RMSE B − A (% of A's RMSE)", rows, labels));
  }
  return {
    config: CHART_CONFIG,
    title: {
      text: `Differences B − A with ${Math.round(level * 100)}% bootstrap intervals`,
      subtitle: `${labels.a} vs ${labels.b} on ${report.rows} rows; α = ${report.alpha}, Holm-corrected across ${classes.length + vars.length} targets.`,
    },
    vconcat: panels,
    resolve: { scale: { color: 'shared' } },
  };
}
