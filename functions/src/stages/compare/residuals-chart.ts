/**
 * Residual histograms (prediction − truth) of both versions, one panel per CSS-variable target,
 * overlaid on the shared bin edges the evaluation computed from the data: an RMSE change can be a
 * narrower peak, a moved centre (bias) or fewer far misses, and only the shape tells which.
 * Panels have their own axes because the eight variables have their own units.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { VarEvaluation } from '../evaluate/evaluation-report.ts';
import type { ComparisonReport } from './comparison-report.ts';
import { CHART_CONFIG, versionColor } from './chart-theme.ts';
import { targetTitle, targetsByKind, versionLabels } from './report-format.ts';

/** Panels per row, and the size of one. */
const COLUMNS = 4;
const PANEL_WIDTH_PX = 210;
const PANEL_HEIGHT_PX = 130;
/** Overlaid bars stay readable where both versions fill the same bin. */
const BAR_OPACITY = 0.55;

interface Bar {
  panel: string;
  version: string;
  from: number;
  to: number;
  count: number;
}

function barsOf(panel: string, evaluation: VarEvaluation, version: string): Bar[] {
  const { edges, counts } = evaluation.residualHistogram;
  return counts.flatMap((count, i) => (i + 1 < edges.length ? [{ panel, version, from: edges[i], to: edges[i + 1], count }] : []));
}

/** The residual chart of a report, or null when it has no CSS-variable target. */
export function residualsSpec(report: ComparisonReport): TopLevelSpec | null {
  const { vars } = targetsByKind(report);
  if (vars.length === 0) return null;
  const labels = versionLabels(report);
  const values = vars.flatMap(([target, t]) => {
    if (t.a.kind !== 'var' || t.b.kind !== 'var') throw new Error(`var target ${target} holds a class evaluation`);
    const panel = targetTitle(target);
    return [...barsOf(panel, t.a, labels.a), ...barsOf(panel, t.b, labels.b)];
  });
  return {
    config: CHART_CONFIG,
    title: { text: 'Residuals (prediction − truth)', subtitle: 'Rows per bin, both versions overlaid on the same bins; the outermost bins also hold everything beyond them.' },
    data: { values },
    facet: { field: 'panel', type: 'nominal', sort: vars.map(([target]) => targetTitle(target)), title: null, header: { labelFontWeight: 'bold' } },
    columns: COLUMNS,
    spec: {
      width: PANEL_WIDTH_PX,
      height: PANEL_HEIGHT_PX,
      mark: { type: 'bar', opacity: BAR_OPACITY, binSpacing: 0 },
      encoding: {
        x: { field: 'from', type: 'quantitative', title: 'Residual', scale: { zero: false, nice: false } },
        x2: { field: 'to' },
        y: { field: 'count', type: 'quantitative', title: 'Rows', stack: null },
        y2: { datum: 0 },
        color: versionColor(labels),
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}
