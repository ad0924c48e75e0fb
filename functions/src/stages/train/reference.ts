/**
 * The reference statistics of a new version: features, targets and the model's own predictions
 * on the rows it was trained on (the baseline of the drift checks).
 */
import type { TargetEncoding } from '../../models/labels.ts';
import type { BundlePredictions } from '../../models/bundle.ts';
import { DEFAULT_BINS, classDistribution, column, histogram, type ReferenceStats } from '../../models/reference-stats.ts';
import type { TrainingTable } from './dataset.ts';

/** Rows whose predictions make the prediction reference, at most (a seeded sample beyond). */
export const REFERENCE_PREDICTION_ROWS = 2000;

/**
 * Statistics of a table, and of the predictions made for `sample` (rows of the same
 * population; a sample keeps prediction cost bounded).
 */
export function computeReference(table: TrainingTable, targets: readonly TargetEncoding[], sample: TrainingTable, preds: BundlePredictions, bins = DEFAULT_BINS): ReferenceStats {
  const ncol = table.features.length;
  const features = Object.fromEntries(table.features.map((f, c) => [f, histogram(column(table.values, table.rows, ncol, c), bins)]));
  const ref: ReferenceStats = { rows: table.rows, predictionRows: sample.rows, bins, features, targets: { classes: {}, vars: {} }, predictions: { classes: {}, vars: {} } };
  for (const t of targets) {
    if (t.kind === 'class') {
      const k = t.labels.length;
      ref.targets.classes[t.name] = classDistribution(table.classes[t.name], t.labels);
      const p = preds[t.name];
      const argmax = new Int32Array(sample.rows);
      for (let r = 0; r < sample.rows; r++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (p[r * k + c] > p[r * k + best]) best = c;
        argmax[r] = best;
      }
      ref.predictions.classes[t.name] = classDistribution(argmax, t.labels);
    } else {
      ref.targets.vars[t.name] = histogram(table.vars[t.name], bins);
      ref.predictions.vars[t.name] = histogram(preds[t.name], bins);
    }
  }
  return ref;
}
