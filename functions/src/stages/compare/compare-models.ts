/**
 * `retrain compare` as a plain function over the artefact port: resolve both references
 * (verified), read the CSV once per label encoding, score both versions on the same rows and
 * compare them. Exporting the report is a separate step (export-report.ts).
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { ArtifactStore } from '../../ports/index.ts';
import type { DataSource, TrainingTable } from '../train/dataset.ts';
import { readEvaluationData, scoreVersionParallel } from '../evaluate/evaluate.ts';
import { resolveModel, type ResolvedModel } from '../evaluate/model-ref.ts';
import { compareScored, type ComparedSide } from './compare.ts';
import type { ComparisonReport } from './comparison-report.ts';

/** Options of `compareModels`. */
export interface CompareModelsOptions {
  modelA: string | ResolvedModel;
  modelB: string | ResolvedModel;
  data: DataSource;
  now: Date;
  /** Bootstrap resamples (default: by row count). */
  resamples?: number;
}

/** Score both versions on the same data and compare them. */
export async function compareModels(store: ArtifactStore, config: RetrainingConfig, opts: CompareModelsOptions): Promise<{ report: ComparisonReport; a: ComparedSide; b: ComparedSide }> {
  const a = typeof opts.modelA === 'string' ? await resolveModel(store, config, opts.modelA, '--model-a') : opts.modelA;
  const b = typeof opts.modelB === 'string' ? await resolveModel(store, config, opts.modelB, '--model-b') : opts.modelB;
  const tables = new Map<string, TrainingTable>();
  const tableFor = async (m: ResolvedModel) => {
    const key = JSON.stringify(m.bundle.labels.targets);
    let t = tables.get(key);
    if (!t) tables.set(key, (t = await readEvaluationData(store, opts.data, m.bundle)));
    return t;
  };
  const tableA = await tableFor(a);
  const tableB = await tableFor(b);
  // Large data: each version predicts on every core, one after the other (the same numbers).
  const sideA: ComparedSide = { model: a, scored: await scoreVersionParallel(a.bundle, a.source, tableA, { now: opts.now }) };
  const sideB: ComparedSide = { model: b, scored: await scoreVersionParallel(b.bundle, b.source, tableB, { now: opts.now }) };
  const report = compareScored(sideA, sideB, { alpha: config.validation.performanceTests.significanceLevel, seed: config.training.seed, now: opts.now, resamples: opts.resamples });
  return { report, a: sideA, b: sideB };
}
