/**
 * Confusion matrices of both versions side by side, one row of two matrices per class target:
 * where a version's mistakes go, and whether B moved them. Cells are coloured by the share of
 * the true class (the row's recall) so that rare classes are as visible as common ones, and
 * carry the raw count as text.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ClassEvaluation } from '../evaluate/evaluation-report.ts';
import type { ComparisonReport } from './comparison-report.ts';
import { CHART_CONFIG } from './chart-theme.ts';
import { targetsByKind, versionLabels } from './report-format.ts';

/** Side of one matrix, px. */
const CELL_AREA_PX = 170;
/** Room for the longest label (`high-contrast`) on every row, so the matrices line up. */
const Y_AXIS_EXTENT_PX = 110;

interface Cell {
  version: string;
  truth: string;
  predicted: string;
  count: number;
  share: number;
}

function cellsOf(evaluation: ClassEvaluation, version: string): Cell[] {
  return evaluation.labels.flatMap((truth, i) => {
    const row = evaluation.confusion[i] ?? [];
    const total = row.reduce((sum, n) => sum + n, 0);
    return evaluation.labels.map((predicted, j) => {
      const count = row[j] ?? 0;
      return { version, truth, predicted, count, share: total > 0 ? count / total : 0 };
    });
  });
}

/** The confusion chart of a report, or null when it has no class target. */
export function confusionSpec(report: ComparisonReport): TopLevelSpec | null {
  const { classes } = targetsByKind(report);
  if (classes.length === 0) return null;
  const labels = versionLabels(report);
  const rows = classes.map(([target, t]) => {
    if (t.a.kind !== 'class' || t.b.kind !== 'class') throw new Error(`class target ${target} holds a regression evaluation`);
    const order = t.a.labels;
    return {
      title: { text: target, fontSize: 13 },
      data: { values: [...cellsOf(t.a, labels.a), ...cellsOf(t.b, labels.b)] },
      facet: { column: { field: 'version', type: 'nominal' as const, title: null, sort: [labels.a, labels.b] } },
      spec: {
        width: CELL_AREA_PX,
        height: CELL_AREA_PX,
        encoding: {
          x: { field: 'predicted', type: 'nominal' as const, sort: order, title: 'Predicted', axis: { labelAngle: 0 } },
          y: { field: 'truth', type: 'nominal' as const, sort: order, title: 'True', axis: { minExtent: Y_AXIS_EXTENT_PX } },
        },
        layer: [
          {
            mark: { type: 'rect' as const, stroke: 'white', strokeWidth: 1 },
            encoding: {
              color: {
                field: 'share',
                type: 'quantitative' as const,
                title: 'Share of the true class',
                scale: { domain: [0, 1], scheme: 'blues' },
                legend: { format: '.0%', orient: 'right' as const, direction: 'vertical' as const, gradientLength: 120 },
              },
            },
          },
          {
            mark: { type: 'text' as const, fontSize: 12 },
            encoding: {
              text: { field: 'count', type: 'quantitative' as const },
              color: { condition: { test: 'datum.share > 0.55', value: 'white' }, value: 'black' },
            },
          },
        ],
      },
    };
  });
  return {
    config: CHART_CONFIG,
    title: { text: 'Confusion matrices', subtitle: `Rows: true class; columns: predicted class. ${labels.a} left, ${labels.b} right; cell text is the row count.` },
    vconcat: rows,
    resolve: { scale: { color: 'shared' } },
  };
}
