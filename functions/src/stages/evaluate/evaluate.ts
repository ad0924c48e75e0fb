/**
 * The evaluation stage: score a version on a CSV with its own scaler and label encodings, every
 * target on the rows where that target is known. Used by `retrain evaluate`, by the comparison
 * (which resamples the per-row scores kept here), by the model-validation gate and by deployment.
 */
import { FEATURE_COLUMNS, FEATURE_NAMES } from '../../data/features.ts';
import type { Booster } from '../../engine/index.ts';
import { predictBundle, predictBundleParallel, type BundlePredictions, type LoadedBundle } from '../../models/bundle.ts';
import type { ArtifactStore } from '../../ports/index.ts';
import { readSource, type DataSource, type TrainingTable } from '../train/dataset.ts';
import { summarize } from '../train/metrics.ts';
import { round, scoreClasses, type ClassScore } from './class-metrics.ts';
import { EVALUATION_SCHEMA_VERSION, type EvaluationReport, type Importance, type TargetEvaluation } from './evaluation-report.ts';
import { measureLatency } from './latency.ts';
import type { ResolvedModel } from './model-ref.ts';
import { scoreVariable, type VarScore } from './var-metrics.ts';

/** Features listed per target in the importance ranking. */
export const IMPORTANCE_TOP = 10;

/** A scored version: the report, and what the comparison needs to pair it with another. */
export interface ScoredVersion {
  report: EvaluationReport;
  predictions: BundlePredictions;
  scores: Record<string, ClassScore | VarScore>;
}

/** Total-gain importance of a model, normalised to sum 1, top features first. */
export function importanceOf(booster: Booster): Importance {
  const raw = booster.featureImportance('total_gain');
  const total = Object.values(raw).reduce((a, b) => a + b, 0);
  return Object.entries(raw)
    .map(([key, gain]) => {
      const index = /^f(\d+)$/.test(key) ? Number(key.slice(1)) : FEATURE_COLUMNS.indexOf(key);
      return { feature: index >= 0 ? FEATURE_COLUMNS[index] : key, name: index >= 0 ? FEATURE_NAMES[index] : key, gain: total > 0 ? round(gain / total) : 0 };
    })
    .sort((a, b) => b.gain - a.gain || a.feature.localeCompare(b.feature))
    .slice(0, IMPORTANCE_TOP);
}

/** Score a loaded version on a table parsed with that version's label encodings. */
export function scoreVersion(bundle: LoadedBundle, source: string, table: TrainingTable, opts: { now: Date; latencyRepeats?: number; predictions?: BundlePredictions }): ScoredVersion {
  const predictions = opts.predictions ?? predictBundle(bundle, table.values, table.rows);
  const targets: Record<string, TargetEvaluation> = {};
  const scores: Record<string, ClassScore | VarScore> = {};
  for (const t of bundle.labels.targets) {
    const importance = importanceOf(bundle.boosters[t.name]);
    if (t.kind === 'class') {
      const s = scoreClasses(predictions[t.name], table.classes[t.name], t.labels);
      scores[t.name] = s;
      targets[t.name] = { ...s.evaluation, importance };
    } else {
      const s = scoreVariable(predictions[t.name], table.vars[t.name]);
      scores[t.name] = s;
      targets[t.name] = { ...s.evaluation, importance };
    }
  }
  const trees = Object.values(bundle.boosters).reduce((n, b) => n + b.trees.length, 0);
  const report: EvaluationReport = {
    schemaVersion: EVALUATION_SCHEMA_VERSION,
    version: bundle.version,
    source,
    createdAt: opts.now.toISOString(),
    data: { path: table.path, sha256: table.sha256, rows: table.rows },
    rows: table.rows,
    targets,
    summary: summarize(targets),
    latency: measureLatency(bundle, table.values, table.rows, opts.latencyRepeats),
    size: { bytes: bundle.manifest.files.reduce((n, f) => n + f.bytes, 0), files: bundle.manifest.files.length + 1, trees },
  };
  return { report, predictions, scores };
}

/** `scoreVersion` with the predictions made across worker threads (the same numbers; a small table stays in-process). */
export async function scoreVersionParallel(bundle: LoadedBundle, source: string, table: TrainingTable, opts: { now: Date; latencyRepeats?: number }): Promise<ScoredVersion> {
  return scoreVersion(bundle, source, table, { ...opts, predictions: await predictBundleParallel(bundle, table.values, table.rows) });
}

/** Read a CSV for a version: its own label encodings; an empty target cell is skipped and counted. */
export async function readEvaluationData(store: ArtifactStore, data: DataSource, bundle: LoadedBundle): Promise<TrainingTable> {
  return await readSource(store, data, bundle.labels.targets, { missingTargets: 'skip' });
}

/** `retrain evaluate`: score a resolved version on a data source. */
export async function evaluateModel(store: ArtifactStore, model: ResolvedModel, data: DataSource, opts: { now: Date }): Promise<ScoredVersion> {
  const table = await readEvaluationData(store, data, model.bundle);
  return await scoreVersionParallel(model.bundle, model.source, table, opts);
}
