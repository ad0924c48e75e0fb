/**
 * Full retraining (the original `full_retrain.py`): hold out a stratified test split, optionally
 * search hyperparameters with k-fold CV, train all eleven models from scratch, evaluate on the
 * held-out rows (against the current version too, on the same rows), write a new version, and
 * move `current` when it wins — or when no version serves yet.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { predictBundle, type LoadedBundle, readBundle } from '../../models/bundle.ts';
import type { Labels, TargetEncoding } from '../../models/labels.ts';
import type { Evaluation, Manifest, TuningReport } from '../../models/manifest.ts';
import { ModelRegistry } from '../../models/registry.ts';
import { applyScaler, fitScaler } from '../../models/scaler.ts';
import type { Ports } from '../../ports/index.ts';
import { ConflictError, DataError } from '../../shared/errors.ts';
import { checkClassBalance } from '../validate-model/data-quality.ts';
import { persistSource, readSource, selectRows, stratumKeys, type TrainingTable } from './dataset.ts';
import { fitMany, fittedModels, labelsOf, matrixOf } from './fit.ts';
import { compareMetrics, evaluatePredictions, summarize } from './metrics.ts';
import { configHyperParams, engineParams, type HyperParams } from './params.ts';
import { rng, sampleRows } from './random.ts';
import { computeReference, REFERENCE_PREDICTION_ROWS } from './reference.ts';
import type { FullValidation, ProgressFn, TrainResult } from './result.ts';
import { stratifiedSplit } from './split.ts';
import { defaultTargets } from './targets.ts';
import { tuneHyperParams } from './tune.ts';
import { writeVersion } from './write-version.ts';

/** Options of a full retrain (the CLI flags and what the trigger passes). */
export interface FullRetrainOptions {
  /** Bucket-relative CSV path. */
  dataPath: string;
  /** The CSV's bytes when they come from outside the store; stored at `dataPath` with the version. */
  dataBytes?: Buffer;
  metadataPath?: string | null;
  /** Models prefix (`--output`); default `pipeline.layout.modelsPrefix`. */
  prefix?: string;
  /** Search hyperparameters (`--tune-hyperparams`). */
  tune?: boolean;
  /** Folds of the search (`--cv-folds`); default `strategies.full.cvFolds`. */
  cvFolds?: number;
  /** Evaluate the current version on the same held-out rows (`--compare-with-current`). */
  compareWithCurrent?: boolean;
  /** Move `current` when the candidate wins by the threshold (`--deploy-if-better`). */
  deployIfBetter?: boolean;
  /** Make the version current when no version serves yet (default true). */
  promoteFirst?: boolean;
  runId: string;
  configHash: string;
  workers?: number;
  onProgress?: ProgressFn;
}

/** A finished run and, when one was written, its manifest. */
export type TrainOutcome = TrainResult & { manifest: Manifest | null };

function labelOf(table: TrainingTable, t: TargetEncoding): Int32Array | Float32Array {
  return t.kind === 'class' ? table.classes[t.name] : table.vars[t.name];
}

/** True when two bundles predict the same targets with the same label encodings. */
export function sameTargets(a: Labels, b: Labels): boolean {
  return JSON.stringify(a.targets) === JSON.stringify(b.targets);
}

const since = (t0: number) => Math.round(performance.now() - t0);

/** Run a full retrain. */
export async function runFullRetrain(ports: Pick<Ports, 'artifacts' | 'clock'>, config: RetrainingConfig, opts: FullRetrainOptions): Promise<TrainOutcome> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const progress = opts.onProgress ?? (() => {});
  const prefix = opts.prefix ?? config.pipeline.layout.modelsPrefix;
  const registry = new ModelRegistry(ports.artifacts, prefix);
  const targets = defaultTargets();
  const labels: Labels = { targets };
  const seed = config.training.seed;

  progress({ phase: 'load', done: 0, total: 1, detail: opts.dataPath });
  const table = await readSource(ports.artifacts, { path: opts.dataPath, bytes: opts.dataBytes }, targets);
  timings.loadMs = since(t0);
  const minRows = config.validation.qualityChecks.minSamples;
  if (table.rows < minRows) {
    return { status: 'skipped', strategy: 'full', reason: `Insufficient data: ${table.rows} < ${minRows}`, model_version: null, validation_results: null, samples_used: 0, manifest: null };
  }

  // data_quality: a one-class target (or one with a class under minTrainClassShare) is refused, not trained into a constant.
  const quality = checkClassBalance(table, targets, config.validation.qualityChecks.minTrainClassShare);
  if (quality.length && config.validation.qualityChecks.checks.includes('data_quality')) {
    throw new DataError(`Model validation failed before training: ${quality.join('; ')}`, { stage: 'validate', code: 'DATA_QUALITY', details: { issues: quality } });
  }

  const split = stratifiedSplit(stratumKeys(table, targets), config.strategies.full.testSplit, seed);
  const train = selectRows(table, split.train);
  const test = selectRows(table, split.heldOut);
  const scaler = fitScaler(train.values, train.rows, table.features);
  const ncol = table.features.length;
  const scaledTrain = applyScaler(scaler, train.values, train.rows);

  // Hyperparameters: the config's, or the search's per target.
  const base = configHyperParams(config);
  const chosen: Record<string, { hp: HyperParams; rounds: number }> = Object.fromEntries(targets.map((t) => [t.name, { hp: base, rounds: config.training.rounds }]));
  let tuning: TuningReport | null = null;
  if (opts.tune) {
    const t1 = performance.now();
    const res = await tuneHyperParams({
      values: scaledTrain,
      ncol,
      table: train,
      keys: stratumKeys(train, targets),
      targets,
      config,
      folds: opts.cvFolds ?? config.strategies.full.cvFolds,
      workers: opts.workers ?? config.training.workers,
      onProgress: progress,
    });
    for (const t of targets) chosen[t.name] = res.choice[t.name];
    tuning = res.report;
    timings.tuneMs = since(t1);
  }

  // Final models on the whole training split.
  const t2 = performance.now();
  const data = matrixOf(scaledTrain, ncol, null);
  const jobs = targets.map((t) => ({
    params: engineParams(t, chosen[t.name].hp, config),
    numBoostRound: chosen[t.name].rounds,
    data,
    label: labelsOf(labelOf(train, t), null),
  }));
  progress({ phase: 'train', done: 0, total: jobs.length });
  const fitted = await fitMany(jobs, { workers: opts.workers ?? config.training.workers, onDone: (done, total) => progress({ phase: 'train', done, total }) });
  timings.trainMs = since(t2);

  // Held-out evaluation, reference statistics, comparison with the current version.
  const t3 = performance.now();
  const { models, boosters, engineModels } = fittedModels(
    targets.map((t) => t.name),
    fitted,
    (i) => ({ params: jobs[i].params, numBoostRound: jobs[i].numBoostRound, totalRounds: jobs[i].numBoostRound, bestIteration: null }),
  );
  const candidate = { scaler, labels, boosters };
  const metrics = evaluatePredictions(predictBundle(candidate, test.values, test.rows), test, targets);
  const refSample = selectRows(train, sampleRows(train.rows, REFERENCE_PREDICTION_ROWS, rng(seed, 13)));
  const reference = computeReference(train, targets, refSample, predictBundle(candidate, refSample.values, refSample.rows));
  const threshold = config.strategies.full.minImprovementThreshold;
  const current = await registry.current();
  let comparison: Evaluation | null = null;
  let compareNote = '';
  if (current && (opts.compareWithCurrent || opts.deployIfBetter)) {
    const curManifest = await registry.manifest(current.pointer.version);
    const cur: LoadedBundle = await readBundle(ports.artifacts, prefix, current.pointer.version, curManifest);
    if (sameTargets(cur.labels, labels)) {
      comparison = compareMetrics(evaluatePredictions(predictBundle(cur, test.values, test.rows), test, targets), metrics);
    } else {
      compareNote = `current version ${current.pointer.version} predicts other targets or labels; not comparable`;
    }
  }
  timings.evaluateMs = since(t3);

  progress({ phase: 'write', done: 0, total: 1 });
  const t4 = performance.now();
  const summary = summarize(metrics);
  await persistSource(ports.artifacts, { path: opts.dataPath, bytes: opts.dataBytes });
  const manifest = await writeVersion(ports, prefix, opts.runId, { scaler, labels, reference, models }, {
    schemaVersion: 1,
    strategy: 'full',
    parentVersion: current?.pointer.version ?? null,
    data: { path: table.path, sha256: table.sha256, rows: table.rows, metadataPath: opts.metadataPath ?? null },
    oldData: null,
    features: [...table.features],
    configHash: opts.configHash,
    seed,
    engine: { name: 'xgboost-ts', models: engineModels },
    samples: { total: table.rows, train: train.rows, heldOut: test.rows, oldData: 0, heldOutShare: config.strategies.full.testSplit },
    metrics,
    summary,
    evaluation: comparison ? { newData: comparison, oldData: null, threshold, accepted: comparison.improvement >= threshold } : null,
    tuning,
    timings: { ...timings, writeMs: 0, totalMs: since(t0) },
  });
  timings.writeMs = since(t4);

  // The pointer: first version, or a winner with --deploy-if-better (compare-and-swap).
  let deployed = false;
  let deployReason: string;
  const at = ports.clock.now();
  try {
    if (!current) {
      if (opts.promoteFirst ?? true) {
        await registry.moveCurrent(manifest.version, { expectedGeneration: '0', at, runId: opts.runId, reason: 'first version' });
        deployed = true;
        deployReason = 'no version served yet: the first full retrain becomes current';
      } else deployReason = 'no version serves yet; promotion left to the deploy stage';
    } else if (!opts.deployIfBetter) deployReason = 'not requested (--deploy-if-better)';
    else if (!comparison) deployReason = compareNote || 'no comparison';
    else if (comparison.improvement < threshold) deployReason = `improvement ${fmtPct(comparison.improvement)} < threshold ${fmtPct(threshold)}`;
    else if (summary.meanAccuracy < config.validation.performanceTests.minAccuracy) deployReason = `mean accuracy ${summary.meanAccuracy} < minAccuracy ${config.validation.performanceTests.minAccuracy}`;
    else {
      await registry.moveCurrent(manifest.version, { expectedGeneration: current.generation, at, runId: opts.runId, reason: `full retrain better by ${fmtPct(comparison.improvement)}`, previousVersion: current.pointer.version });
      deployed = true;
      deployReason = `better than ${current.pointer.version} by ${fmtPct(comparison.improvement)} ≥ ${fmtPct(threshold)}`;
    }
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    deployReason = 'the current pointer was moved by another writer meanwhile; not deployed';
  }

  const validation: FullValidation = {
    test: metrics,
    summary,
    comparison,
    compared_with: comparison ? current!.pointer.version : null,
    threshold,
    better: comparison ? comparison.improvement >= threshold : null,
    deployed,
    deploy_reason: deployReason,
  };
  return { status: 'success', strategy: 'full', model_version: manifest.version, validation_results: validation, samples_used: table.rows, timings_ms: { ...timings, totalMs: since(t0) }, manifest };
}

/** `0.0123` → `1.23 %`. */
export function fmtPct(v: number): string {
  return `${(v * 100).toFixed(2)} %`;
}
