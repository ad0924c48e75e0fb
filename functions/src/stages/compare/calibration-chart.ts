/**
 * Reliability diagrams of both versions, one panel per class target: in each confidence bin, the
 * mean top-label probability against the share of rows the top label got right. A curve under
 * the diagonal is overconfident. The served UI acts on these probabilities, so a retrain that
 * gains accuracy but loses calibration is visible here and not in the accuracy table.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CalibrationBin } from '../evaluate/evaluation-report.ts';
import type { ComparisonReport } from './comparison-report.ts';
import { CHART_CONFIG, COLOR_NEUTRAL, versionColor } from './chart-theme.ts';
import { formatMetric, targetsByKind, versionLabels } from './report-format.ts';

/** Side of one panel, px. */
const PANEL_PX = 220;

interface Point {
  version: string;
  confidence: number;
  accuracy: number;
  count: number;
}

/** The bins with rows (an empty bin has no mean confidence and no accuracy). */
function pointsOf(bins: CalibrationBin[], version: string): Point[] {
  return bins.flatMap((b) => (b.count > 0 && b.meanConfidence !== null && b.accuracy !== null ? [{ version, confidence: b.meanConfidence, accuracy: b.accuracy, count: b.count }] : []));
}

/** The calibration chart of a report, or null when it has no class target. */
export function calibrationSpec(report: ComparisonReport): TopLevelSpec | null {
  const { classes } = targetsByKind(report);
  if (classes.length === 0) return null;
  const labels = versionLabels(report);
  const unit = { type: 'quantitative' as const, scale: { domain: [0, 1] }, axis: { format: '.0%', tickCount: 5 } };
  const panels = classes.map(([target, t]) => {
    if (t.a.kind !== 'class' || t.b.kind !== 'class') throw new Error(`class target ${target} holds a regression evaluation`);
    return {
      title: { text: target, subtitle: `ECE: A ${formatMetric(t.a.ece)}, B ${formatMetric(t.b.ece)}`, fontSize: 13 },
      width: PANEL_PX,
      height: PANEL_PX,
      layer: [
        {
          data: { values: [{ p: 0 }, { p: 1 }] },
          mark: { type: 'line' as const, color: COLOR_NEUTRAL, strokeDash: [4, 4], strokeWidth: 1 },
          encoding: { x: { field: 'p', ...unit, title: 'Mean confidence of the predicted class' }, y: { field: 'p', ...unit, title: 'Accuracy' } },
        },
        {
          data: { values: [...pointsOf(t.a.calibration, labels.a), ...pointsOf(t.b.calibration, labels.b)] },
          encoding: {
            x: { field: 'confidence', ...unit, title: 'Mean confidence of the predicted class' },
            y: { field: 'accuracy', ...unit, title: 'Accuracy' },
            color: versionColor(labels),
          },
          layer: [
            { mark: { type: 'line' as const, strokeWidth: 2 } },
            { mark: { type: 'point' as const, filled: true, size: 45 } },
          ],
        },
      ],
    };
  });
  return {
    config: CHART_CONFIG,
    title: { text: 'Calibration (reliability)', subtitle: 'Per confidence bin with rows; dashed line: perfectly calibrated. Below it, a version is overconfident.' },
    hconcat: panels,
    resolve: { scale: { color: 'shared' } },
  };
}
