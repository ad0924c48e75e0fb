/**
 * The class distribution each version would serve, against the true one, one panel per class
 * target: a model can gain accuracy by predicting the majority class more often, and the users
 * would then see one layout where they used to see three. Bars are the versions' predicted
 * shares; the dark tick is the true share of the same rows.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ComparisonReport } from './comparison-report.ts';
import { CHART_CONFIG, COLOR_A, COLOR_B, COLOR_NEUTRAL } from './chart-theme.ts';
import { targetsByKind, versionLabels } from './report-format.ts';

/** Width of a panel, px; each label takes `LABEL_STEP_PX`. */
const PANEL_WIDTH_PX = 360;
const LABEL_STEP_PX = 34;
/** Legend entry of the truth. */
const TRUE_SHARE = 'True share';

/** The predicted-distribution chart of a report, or null when it has no class target. */
export function distributionSpec(report: ComparisonReport): TopLevelSpec | null {
  const { classes } = targetsByKind(report);
  if (classes.length === 0) return null;
  const labels = versionLabels(report);
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: { domain: [labels.a, labels.b, TRUE_SHARE], range: [COLOR_A, COLOR_B, COLOR_NEUTRAL] },
  };
  const x = { field: 'share', type: 'quantitative' as const, title: 'Share of rows', scale: { domain: [0, 1] }, axis: { format: '.0%' } };
  const panels = classes.map(([target, t], i) => {
    if (t.a.kind !== 'class' || t.b.kind !== 'class') throw new Error(`class target ${target} holds a regression evaluation`);
    const a = t.a;
    const b = t.b;
    const order = a.labels;
    const y = { field: 'label', type: 'nominal' as const, sort: order, title: null, axis: { minExtent: 90 } };
    return {
      title: { text: target, fontSize: 13, frame: 'group' as const },
      width: PANEL_WIDTH_PX,
      height: order.length * LABEL_STEP_PX,
      layer: [
        {
          data: { values: order.flatMap((label) => [
            { label, series: labels.a, share: a.predictedShare[label] ?? 0 },
            { label, series: labels.b, share: b.predictedShare[label] ?? 0 },
          ]) },
          name: `predicted_share_${i}`,
          mark: { type: 'bar' as const },
          encoding: { y, yOffset: { field: 'series', type: 'nominal' as const, sort: [labels.a, labels.b] }, x, color },
        },
        {
          data: { values: order.map((label) => ({ label, series: TRUE_SHARE, share: a.trueShare[label] ?? 0 })) },
          name: `true_share_${i}`,
          mark: { type: 'tick' as const, thickness: 3, bandSize: LABEL_STEP_PX - 4, opacity: 1 },
          encoding: { y, x, color },
        },
      ],
    };
  });
  return {
    config: CHART_CONFIG,
    title: { text: 'Predicted class distribution', subtitle: 'Share of rows each version predicts per class; the dark tick is the true share of the same rows.' },
    vconcat: panels,
    resolve: { scale: { color: 'shared' } },
  };
}
