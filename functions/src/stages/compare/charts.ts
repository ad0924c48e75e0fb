/**
 * The charts of a comparison report: each kind is a Vega-Lite spec built from the report
 * (one module per kind) and rendered to SVG in Node, so the exported page needs no script and no
 * network. Kinds come out in `CHART_KINDS` order, one chart per kind; a kind without data (no
 * class target for the confusion matrices, no CSS-variable target for the residuals) is left out.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ComparisonReport } from './comparison-report.ts';
import { calibrationSpec } from './calibration-chart.ts';
import { renderVegaLiteSvg } from './chart-render.ts';
import { confusionSpec } from './confusion-chart.ts';
import { distributionSpec } from './distribution-chart.ts';
import { importanceSpec } from './importance-chart.ts';
import { metricDiffSpec } from './metric-diff-chart.ts';
import { residualsSpec } from './residuals-chart.ts';

/** Every chart kind, in the order the report shows them: the answer first, then the evidence. */
export const CHART_KINDS = ['metric-diff', 'confusion', 'calibration', 'predicted-distribution', 'residuals', 'importance'] as const;

/** A kind of chart; also its file name (`charts/<kind>.svg`). */
export type ChartKind = (typeof CHART_KINDS)[number];

/** One rendered chart: a standalone SVG document whose ids start with `chart-<kind>-`. */
export interface Chart {
  kind: ChartKind;
  title: string;
  svg: string;
}

/** Options of `renderComparisonCharts`. */
export interface ChartOptions {
  /** Receives vega-lite's and Vega's warnings (a spec problem, not a data problem); ignored by default. */
  onWarning?: (message: string) => void;
}

const BUILDERS: Record<ChartKind, { title: string; spec: (report: ComparisonReport) => TopLevelSpec | null }> = {
  'metric-diff': { title: 'Differences B − A with confidence intervals', spec: metricDiffSpec },
  confusion: { title: 'Confusion matrices', spec: confusionSpec },
  calibration: { title: 'Calibration (reliability)', spec: calibrationSpec },
  'predicted-distribution': { title: 'Predicted class distribution', spec: distributionSpec },
  residuals: { title: 'Residual histograms', spec: residualsSpec },
  importance: { title: 'Feature importance', spec: importanceSpec },
};

/** The id prefix of a chart's SVG, unique per page. */
export function chartIdPrefix(kind: ChartKind): string {
  return `chart-${kind}`;
}

/**
 * Render every chart of a report. One at a time: rendering is CPU work on this thread, so running
 * them together would not finish sooner.
 */
export async function renderComparisonCharts(report: ComparisonReport, opts: ChartOptions = {}): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const kind of CHART_KINDS) {
    const { title, spec } = BUILDERS[kind];
    const built = spec(report);
    if (!built) continue;
    charts.push({ kind, title, svg: await renderVegaLiteSvg(built, { idPrefix: chartIdPrefix(kind), onWarning: opts.onWarning }) });
  }
  return charts;
}
