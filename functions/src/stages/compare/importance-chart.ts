/**
 * Feature importance of both versions, aggregated over the targets: each model's total-gain
 * shares (normalised to 1 per model) averaged over the targets, for the features that matter
 * most to either version. A retrain that starts leaning on a different feature — a broken input,
 * a leak — shows up here before it shows up in the metrics.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Importance } from '../evaluate/evaluation-report.ts';
import type { ComparisonReport } from './comparison-report.ts';
import { CHART_CONFIG, versionColor } from './chart-theme.ts';
import { versionLabels } from './report-format.ts';

/** Features shown: the union of what both versions rank highest, capped at this many. */
export const TOP_FEATURES = 10;
const PANEL_WIDTH_PX = 420;
const BAR_PX = 11;

/** `viewport_width_log2 (feature_0)`: the descriptive name, with the CSV column a reader can grep for. */
function featureLabel(f: Importance[number]): string {
  return f.name && f.name !== f.feature ? `${f.name} (${f.feature})` : f.feature;
}

/** Mean gain share of every feature over the given importances (a feature a model never split on counts 0). */
function meanGain(importances: Importance[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const list of importances) for (const f of list) sums.set(featureLabel(f), (sums.get(featureLabel(f)) ?? 0) + f.gain);
  return new Map([...sums].map(([label, sum]) => [label, sum / importances.length]));
}

/** The importance chart of a report, or null when no target has an importance. */
export function importanceSpec(report: ComparisonReport): TopLevelSpec | null {
  const targets = Object.values(report.targets).filter((t) => t.a.importance.length + t.b.importance.length > 0);
  if (targets.length === 0) return null;
  const labels = versionLabels(report);
  const a = meanGain(targets.map((t) => t.a.importance));
  const b = meanGain(targets.map((t) => t.b.importance));
  const features = [...new Set([...a.keys(), ...b.keys()])]
    .map((label) => ({ label, top: Math.max(a.get(label) ?? 0, b.get(label) ?? 0) }))
    .sort((x, y) => y.top - x.top || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0))
    .slice(0, TOP_FEATURES)
    .map((f) => f.label);
  const values = features.flatMap((feature) => [
    { feature, version: labels.a, gain: a.get(feature) ?? 0 },
    { feature, version: labels.b, gain: b.get(feature) ?? 0 },
  ]);
  return {
    config: CHART_CONFIG,
    title: {
      text: `Feature importance: top ${features.length} features`,
      subtitle: `Total-gain share of each feature, averaged over ${targets.length} targets (each model's shares sum to 1).`,
    },
    data: { values },
    width: PANEL_WIDTH_PX,
    // A fixed height: a step size would apply to each version's sub-band, not to the feature's band.
    height: features.length * (BAR_PX * 2 + 8),
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'feature', type: 'nominal', sort: features, title: null, axis: { labelLimit: 320 } },
      yOffset: { field: 'version', type: 'nominal', sort: [labels.a, labels.b] },
      x: { field: 'gain', type: 'quantitative', title: 'Mean share of total gain', axis: { format: '.0%' } },
      color: versionColor(labels),
    },
  };
}
