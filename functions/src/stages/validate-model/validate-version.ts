/**
 * The validation stage over ports: rebuild a version's held-out rows from its manifest (same
 * CSV, same seeded stratified split), score the candidate and the serving version on them,
 * compare with the version that served when it was trained (its parent), store the comparison report (JSON, Markdown, HTML with charts) under `<reportsPrefix>/<runId>/`, run the gate and write
 * its record write-once at `<modelsPrefix>/validations/<version>.json`. A replay returns the
 * stored record, so a redelivered message never judges a version twice.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { LoadedBundle } from '../../models/bundle.ts';
import { ModelRegistry } from '../../models/registry.ts';
import { readStoredJson } from '../../models/stored-json.ts';
import { jsonText } from '../../models/write-once.ts';
import type { ArtifactStore } from '../../ports/index.ts';
import { ConflictError, DataError } from '../../shared/errors.ts';
import { compareScored } from '../compare/compare.ts';
import { exportComparisonReport } from '../compare/export-report.ts';
import type { ComparisonReport } from '../compare/comparison-report.ts';
import { scoreVersionParallel } from '../evaluate/evaluate.ts';
import { resolveModel, type ResolvedModel } from '../evaluate/model-ref.ts';
import { loadTrainingCsv, selectRows, stratumKeys, type TrainingTable } from '../train/dataset.ts';
import { stratifiedSplit } from '../train/split.ts';
import { checkClassBalance } from './data-quality.ts';
import { ModelValidationSchema, type ModelValidation } from './model-validation.ts';
import { validateModel } from './validate-model.ts';

/** Where a version's validation record lives. */
export function validationPath(registry: ModelRegistry, version: string): string {
  return `${registry.layout.prefix}/validations/${version}.json`;
}

/** The stored validation of a version, or null. */
export async function readValidation(store: ArtifactStore, registry: ModelRegistry, version: string): Promise<ModelValidation | null> {
  return await readStoredJson(store, validationPath(registry, version), ModelValidationSchema);
}

/** The rows a version was evaluated on when it was trained (its held-out split), and its whole training table. */
export async function heldOutRows(store: ArtifactStore, config: RetrainingConfig, bundle: LoadedBundle): Promise<{ table: TrainingTable; heldOut: TrainingTable }> {
  const m = bundle.manifest;
  const table = await loadTrainingCsv(store, m.data.path, bundle.labels.targets);
  const share = m.samples.heldOutShare ?? (m.strategy === 'full' ? config.strategies.full.testSplit : config.strategies.incremental.validationSplit);
  const split = stratifiedSplit(stratumKeys(table, bundle.labels.targets), share, m.seed);
  if (split.heldOut.length !== m.samples.heldOut) {
    throw new DataError(`Cannot rebuild the held-out rows of ${bundle.version}: ${split.heldOut.length} rows from ${m.data.path} at share ${share}, the manifest says ${m.samples.heldOut}`, { stage: 'validate', code: 'HELD_OUT_MISMATCH', details: { version: bundle.version } });
  }
  return { table, heldOut: selectRows(table, split.heldOut) };
}

/** Options of `validateVersion`. */
export interface ValidateVersionOptions {
  version: string;
  /** Names the report folder (`<reportsPrefix>/<runId>/`). */
  runId: string;
  now: Date;
  /** Draw the charts and the HTML page with the stored report (default true). */
  plots?: boolean;
  /** The run was started by drift or a performance drop (see validate-model.ts). */
  driftDetected?: boolean;
}

/** The result: the gate's record and the comparison behind it (null when nothing served). */
export interface VersionValidation {
  validation: ModelValidation;
  comparison: ComparisonReport | null;
  /** True when the record was found stored (a replay). */
  reused: boolean;
}

/**
 * Compare a stored version with another on the candidate's own held-out rows and store the report
 * under `prefix` — the safe deployment's check against whatever serves at deployment time.
 */
export async function compareOnHeldOut(store: ArtifactStore, config: RetrainingConfig, opts: { candidate: string; against: string; prefix: string; now: Date; plots?: boolean }): Promise<ComparisonReport> {
  const candidate = await resolveModel(store, config, opts.candidate);
  const against = await resolveModel(store, config, opts.against);
  const { heldOut } = await heldOutRows(store, config, candidate.bundle);
  const a = { model: against, scored: await scoreVersionParallel(against.bundle, against.source, heldOut, { now: opts.now }) };
  const b = { model: candidate, scored: await scoreVersionParallel(candidate.bundle, candidate.source, heldOut, { now: opts.now }) };
  const cmp = compareScored(a, b, { alpha: config.validation.performanceTests.significanceLevel, seed: config.training.seed, now: opts.now });
  return await exportComparisonReport(cmp, { kind: 'store', store, prefix: opts.prefix }, { plots: opts.plots ?? true });
}

/** Validate a stored version against the serving one; idempotent per version. */
export async function validateVersion(store: ArtifactStore, config: RetrainingConfig, opts: ValidateVersionOptions): Promise<VersionValidation> {
  const registry = new ModelRegistry(store, config.pipeline.layout.modelsPrefix);
  const stored = await readValidation(store, registry, opts.version);
  if (stored) return { validation: stored, comparison: null, reused: true };

  const candidate = await resolveModel(store, config, opts.version);
  const { table, heldOut } = await heldOutRows(store, config, candidate.bundle);
  const dataIssues = checkClassBalance(table, candidate.bundle.labels.targets, config.validation.qualityChecks.minTrainClassShare);
  // The version that served when the candidate was trained (its parent), else what serves now.
  const current = await registry.current();
  const servingVersion = candidate.bundle.manifest.parentVersion ?? (current && current.pointer.version !== opts.version ? current.pointer.version : null);
  const serving: ResolvedModel | null = servingVersion ? await resolveModel(store, config, servingVersion) : null;
  const scoredB = await scoreVersionParallel(candidate.bundle, candidate.source, heldOut, { now: opts.now });
  let comparison: ComparisonReport | null = null;
  let reportPath: string | null = null;
  if (serving && JSON.stringify(serving.bundle.labels.targets) === JSON.stringify(candidate.bundle.labels.targets)) {
    const scoredA = await scoreVersionParallel(serving.bundle, serving.source, heldOut, { now: opts.now });
    comparison = compareScored({ model: { ...serving, ref: servingVersion! }, scored: scoredA }, { model: { ...candidate, ref: opts.version }, scored: scoredB }, { alpha: config.validation.performanceTests.significanceLevel, seed: config.training.seed, now: opts.now });
    const prefix = `${config.pipeline.layout.reportsPrefix}/${opts.runId}`;
    comparison = await exportComparisonReport(comparison, { kind: 'store', store, prefix }, { plots: opts.plots ?? true });
    reportPath = comparison.report?.json ?? null;
  }
  const validation = validateModel(config, {
    candidate: { bundle: candidate.bundle, evaluation: scoredB.report },
    comparison,
    serving: serving?.bundle ?? null,
    heldOut,
    dataIssues,
    reportPath,
    now: opts.now,
    driftDetected: opts.driftDetected,
  });
  try {
    await store.put(validationPath(registry, opts.version), jsonText(validation), { ifGenerationMatch: '0', contentType: 'application/json' });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const winner = await readValidation(store, registry, opts.version);
    if (winner) return { validation: winner, comparison, reused: true };
    throw err;
  }
  return { validation, comparison, reused: false };
}
