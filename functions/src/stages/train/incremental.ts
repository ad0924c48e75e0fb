/**
 * Incremental retraining (the original `incremental_retrain.py`): continue every model of the
 * current version with up to `maxNewTrees` more trees at eta × `learningRateFactor` on the new
 * rows (the engine's continued training, never from scratch), then keep the update only if it
 * beats its parent on the held-out new rows by the threshold without forgetting the parent's
 * own training data (see metrics.ts for the improvement measure).
 *
 * Learning under drift: when the checker saw drift or a performance drop (`driftDetected`), the
 * update is judged on the recent rows only — the parent's data is the past the world drifted
 * away from, and holding the update to it would reject exactly the updates that learn the drift.
 * Without drift, the forgetting guard applies: a target significantly worse on a sample of the
 * parent's data beyond the validation gate's margin, or the mean worse by `maxOldDataRegression`,
 * rejects the update.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { FEATURE_COLUMNS } from '../../data/features.ts';
import type { Booster, DMatrix } from '../../engine/index.ts';
import { parseBoosters, predictBundle, readBundle, type LoadedBundle } from '../../models/bundle.ts';
import type { TargetEncoding } from '../../models/labels.ts';
import type { DataRef, Evaluation, MetricsByTarget } from '../../models/manifest.ts';
import { ModelRegistry } from '../../models/registry.ts';
import { applyScaler } from '../../models/scaler.ts';
import type { Ports } from '../../ports/index.ts';
import { ConflictError, DataError, NotFoundError } from '../../shared/errors.ts';
import { loadTrainingCsv, persistSource, readSource, selectRows, stratumKeys, type TrainingTable } from './dataset.ts';
import { fitMany, fittedModels, labelsOf, matrixOf } from './fit.ts';
import { marginsToPredictions, parentMargins, scaledMatrix, updatedMargins, type Margins } from './margins.ts';
import type { TrainOutcome } from './full.ts';
import { fmtPct } from './full.ts';
import { compareMetrics, evaluatePredictions, summarize } from './metrics.ts';
import { continuedParams } from './params.ts';
import { rng, sampleRows } from './random.ts';
import { computeReference, REFERENCE_PREDICTION_ROWS } from './reference.ts';
import type { IncrementalValidation, ProgressFn } from './result.ts';
import { stratifiedSplit } from './split.ts';
import { writeVersion } from './write-version.ts';
import { compareScored } from '../compare/compare.ts';
import { scoreVersion } from '../evaluate/evaluate.ts';
import { targetRegressions } from '../validate-model/target-gate.ts';

/**
 * Worker threads of an update when `training.workers` is 0 (auto): none. Eleven jobs of 20 trees
 * do not repay the workers' start-up (0.5 CPU-s each): on the 2-core reference machine, 10k rows
 * took 3.0–3.6 s in-process against 4.5–5.7 s with two workers. An explicit value is obeyed.
 */
export const AUTO_INCREMENTAL_WORKERS = 1;

/** Rows of the parent's training data checked for forgetting, at most. */
export const OLD_DATA_SAMPLE_ROWS = 2000;

/** Options of an incremental update (the CLI flags and what the trigger passes). */
export interface IncrementalRetrainOptions {
  /** Bucket-relative CSV path. */
  dataPath: string;
  /** The CSV's bytes when they come from outside the store; stored at `dataPath` with the version. */
  dataBytes?: Buffer;
  metadataPath?: string | null;
  /** Models prefix (`--models`); default `pipeline.layout.modelsPrefix`. */
  prefix?: string;
  /** `--min-samples`; default `strategies.incremental.minSamples`. */
  minSamples?: number;
  /** `--validation-split`; default `strategies.incremental.validationSplit`. */
  validationSplit?: number;
  /** Copy the current pointer to `backups/` before changing anything (`--backup-current`). */
  backupCurrent?: boolean;
  /** Move `current` to an accepted update (default true, as the original replaced the model). */
  promote?: boolean;
  runId: string;
  configHash: string;
  /** Drift or a performance drop was detected: judge on recent data, no forgetting guard. */
  driftDetected?: boolean;
  workers?: number;
  onProgress?: ProgressFn;
}

const since = (t0: number) => Math.round(performance.now() - t0);

/** Rows to evaluate on: the table, its scaled matrix and the parent's margins. */
interface EvalRows {
  rows: TrainingTable;
  dm: DMatrix;
  parent: Margins;
  before: MetricsByTarget;
}

/** The parent on some rows (computed while the workers train). */
async function parentOn(parent: LoadedBundle, rows: TrainingTable): Promise<EvalRows> {
  const targets = parent.labels.targets;
  const dm = scaledMatrix(parent.scaler, rows.values, rows.rows);
  const margins = await parentMargins(parent.boosters, targets, dm);
  return { rows, dm, parent: margins, before: evaluatePredictions(marginsToPredictions(margins, targets), rows, targets) };
}

/** Compare the update with its parent on the same rows (only the new rounds are predicted). */
function evaluateUpdate(e: EvalRows, boosters: Record<string, Booster>, targets: readonly TargetEncoding[], parentRounds: Record<string, number>): Evaluation {
  const after = marginsToPredictions(updatedMargins(e.parent, boosters, targets, e.dm, parentRounds), targets);
  return compareMetrics(e.before, evaluatePredictions(after, e.rows, targets));
}

/** Run an incremental update of the current version. */
export async function runIncrementalRetrain(ports: Pick<Ports, 'artifacts' | 'clock'>, config: RetrainingConfig, opts: IncrementalRetrainOptions): Promise<TrainOutcome> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const progress = opts.onProgress ?? (() => {});
  const cfg = config.strategies.incremental;
  const prefix = opts.prefix ?? config.pipeline.layout.modelsPrefix;
  const registry = new ModelRegistry(ports.artifacts, prefix);
  const seed = config.training.seed;

  const current = await registry.current();
  if (!current) {
    throw new NotFoundError(`No current model version under ${registry.layout.prefix}/ to update; run a full retrain first`, { stage: 'train', details: { prefix } });
  }
  const parentManifest = await registry.manifest(current.pointer.version);
  if (JSON.stringify(parentManifest.features) !== JSON.stringify(FEATURE_COLUMNS)) {
    throw new DataError(`Current version ${current.pointer.version} was trained on other features; run a full retrain`, { stage: 'train', code: 'FEATURES_MISMATCH' });
  }
  progress({ phase: 'load', done: 0, total: 1, detail: opts.dataPath });
  // The boosters are parsed while the workers train (they only need the model texts).
  const parent = await readBundle(ports.artifacts, prefix, current.pointer.version, parentManifest, { parse: false });
  const targets = parent.labels.targets;
  const table = await readSource(ports.artifacts, { path: opts.dataPath, bytes: opts.dataBytes }, targets);
  timings.loadMs = since(t0);

  const minSamples = opts.minSamples ?? cfg.minSamples;
  if (table.rows < minSamples) {
    return { status: 'skipped', strategy: 'incremental', reason: `Insufficient data: ${table.rows} < ${minSamples}`, model_version: null, validation_results: null, samples_used: table.rows, manifest: null };
  }

  const split = stratifiedSplit(stratumKeys(table, targets), opts.validationSplit ?? cfg.validationSplit, seed);
  const train = selectRows(table, split.train);
  const valid = selectRows(table, split.heldOut);
  const ncol = table.features.length;
  const scaledTrain = applyScaler(parent.scaler, train.values, train.rows);

  // Continue every model from the parent's trees (worker threads).
  const t1 = performance.now();
  const data = matrixOf(scaledTrain, ncol, null);
  const jobs = targets.map((t) => {
    const parentParams = parentManifest.engine.models[t.name]?.params;
    if (!parentParams) throw new DataError(`Current version ${parent.version} has no training parameters for ${t.name}`, { stage: 'train', code: 'BUNDLE_CORRUPT' });
    return {
      params: continuedParams(parentParams, cfg.learningRateFactor),
      numBoostRound: cfg.maxNewTrees,
      data,
      label: labelsOf(t.kind === 'class' ? train.classes[t.name] : train.vars[t.name], null),
      baseModel: parent.modelTexts[t.name],
    };
  });
  progress({ phase: 'train', done: 0, total: jobs.length });
  const workers = opts.workers ?? (config.training.workers || AUTO_INCREMENTAL_WORKERS);
  const training = fitMany(jobs, { workers, onDone: (done, total) => progress({ phase: 'train', done, total }) });
  // While the workers train (after the training, when in-process): the parent on the validation rows
  // and on a sample of its own data.
  const t2 = performance.now();
  const oldPath = parentManifest.data.path;
  let parentOnValid: EvalRows;
  let old: { ref: DataRef & { rowsSampled: number }; eval: EvalRows } | null = null;
  try {
    for (const [name, text] of Object.entries(parent.modelTexts)) {
      await new Promise((resolve) => setImmediate(resolve));
      Object.assign(parent.boosters, parseBoosters({ [name]: text }));
    }
    parentOnValid = await parentOn(parent, valid);
    if (!opts.driftDetected && (await ports.artifacts.exists(oldPath))) {
      const table = await loadTrainingCsv(ports.artifacts, oldPath, targets);
      const sample = selectRows(table, sampleRows(table.rows, OLD_DATA_SAMPLE_ROWS, rng(seed, 11)));
      const ref = { path: oldPath, sha256: table.sha256, rows: table.rows, metadataPath: parentManifest.data.metadataPath, rowsSampled: sample.rows };
      old = { ref, eval: await parentOn(parent, sample) };
    }
  } catch (err) {
    await training.catch(() => undefined);
    throw err;
  }
  const overlapMs = since(t2);
  const fitted = await training;
  timings.trainMs = since(t1);

  // The update on the same rows.
  const t3 = performance.now();
  progress({ phase: 'evaluate', done: 0, total: 1 });
  const { models, boosters, engineModels } = fittedModels(
    targets.map((t) => t.name),
    fitted,
    (i) => ({
      params: jobs[i].params,
      numBoostRound: cfg.maxNewTrees,
      totalRounds: parentManifest.engine.models[targets[i].name].totalRounds + cfg.maxNewTrees,
      bestIteration: null,
    }),
  );
  const updated = { scaler: parent.scaler, labels: parent.labels, boosters };
  const parentRounds = Object.fromEntries(targets.map((t) => [t.name, parent.boosters[t.name].numBoostedRounds()]));
  const newData = evaluateUpdate(parentOnValid, boosters, targets, parentRounds);
  const oldData: Evaluation | null = old ? evaluateUpdate(old.eval, boosters, targets, parentRounds) : null;
  const oldRef = old?.ref ?? null;
  const oldNote = opts.driftDetected ? '; drift detected: judged on recent data, forgetting of the drifted past not checked' : old ? '' : `; the parent's data ${oldPath} is gone, forgetting not checked`;
  timings.evaluateMs = since(t3) + overlapMs;

  // Per target, as the validation gate judges: one collapsed model rejects the update whatever the mean says.
  const perTarget = (rows: TrainingTable) => {
    const candidate = { ...parent, version: `${parent.version}+update`, boosters };
    const side = (b: LoadedBundle) => ({ model: { ref: b.version, bundle: b, source: 'memory', store: ports.artifacts, prefix }, scored: scoreVersion(b, 'memory', rows, { now: ports.clock.now(), latencyRepeats: 0 }) });
    const cmp = compareScored(side(parent), side(candidate), { alpha: config.validation.performanceTests.significanceLevel, seed, now: ports.clock.now() });
    return targetRegressions(cmp, config.validation.performanceTests, `parent ${parent.version}`);
  };
  const newCollapses = perTarget(valid);
  // The forgetting guard (only without drift: `old` is null after drift): per target, and on the mean.
  const oldCollapses = old ? perTarget(old.eval.rows) : [];

  const threshold = cfg.minImprovementThreshold;
  const limit = cfg.maxOldDataRegression;
  let reason: string;
  let accepted = false;
  if (newData.improvement < threshold) reason = `improvement ${fmtPct(newData.improvement)} on new data < threshold ${fmtPct(threshold)}`;
  else if (newCollapses.length) reason = `a target got significantly worse on the new data: ${newCollapses.map((c) => c.reason).join('; ')}`;
  else if (oldCollapses.length) reason = `a target got significantly worse on the parent's data (forgetting): ${oldCollapses.map((c) => c.reason).join('; ')}`;
  else if (oldData && oldData.improvement < -limit) reason = `worse by ${fmtPct(-oldData.improvement)} on the parent's data > allowed ${fmtPct(limit)} (forgetting)`;
  else {
    accepted = true;
    reason = `improvement ${fmtPct(newData.improvement)} ≥ ${fmtPct(threshold)}${oldData ? `, parent's data ${fmtPct(oldData.improvement)}` : ''}`;
  }
  reason += oldNote;
  const validation: IncrementalValidation = {
    parent_version: parent.version,
    new_data: newData,
    old_data: oldData,
    improvement: newData.improvement,
    threshold,
    old_data_regression_limit: limit,
    accepted,
    reason,
    deployed: false,
  };
  if (!accepted) {
    return { status: 'no_improvement', strategy: 'incremental', reason, model_version: null, validation_results: validation, samples_used: table.rows, timings_ms: { ...timings, totalMs: since(t0) }, manifest: null };
  }

  progress({ phase: 'write', done: 0, total: 1 });
  const t4 = performance.now();
  const backup = opts.backupCurrent ? await registry.backupCurrent(ports.clock.now()) : null;
  const refSample = selectRows(train, sampleRows(train.rows, REFERENCE_PREDICTION_ROWS, rng(seed, 13)));
  const reference = computeReference(train, targets, refSample, predictBundle(updated, refSample.values, refSample.rows));
  const metrics = newData.candidate;
  await persistSource(ports.artifacts, { path: opts.dataPath, bytes: opts.dataBytes });
  const manifest = await writeVersion(ports, prefix, opts.runId, { scaler: parent.scaler, labels: parent.labels, reference, models }, {
    schemaVersion: 1,
    strategy: 'incremental',
    parentVersion: parent.version,
    data: { path: table.path, sha256: table.sha256, rows: table.rows, metadataPath: opts.metadataPath ?? null },
    oldData: oldRef,
    features: [...table.features],
    configHash: opts.configHash,
    seed,
    engine: { name: 'xgboost-ts', models: engineModels },
    samples: { total: table.rows, train: train.rows, heldOut: valid.rows, oldData: oldRef?.rowsSampled ?? 0, heldOutShare: opts.validationSplit ?? cfg.validationSplit },
    metrics,
    summary: summarize(metrics),
    evaluation: { newData, oldData, threshold, accepted: true },
    tuning: null,
    timings: { ...timings, totalMs: since(t0) },
  });
  timings.writeMs = since(t4);

  if (opts.promote ?? true) {
    try {
      await registry.moveCurrent(manifest.version, { expectedGeneration: current.generation, at: ports.clock.now(), runId: opts.runId, reason: `incremental update of ${parent.version}`, previousVersion: parent.version });
      validation.deployed = true;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      validation.reason += '; the current pointer was moved by another writer meanwhile, not deployed';
    }
  }
  return { status: 'success', strategy: 'incremental', model_version: manifest.version, validation_results: validation, samples_used: table.rows, backup, timings_ms: { ...timings, totalMs: since(t0) }, manifest };
}
