/**
 * A model version in memory and its write-once storage: scaler, label encodings, one XGBoost
 * JSON model per target, reference statistics, then `manifest.json` last (with a sha256 of
 * every file). Reading verifies the digests, so a torn or edited bundle is refused.
 */
import { Booster, DMatrix, predictMany, type PredictManyOptions } from '../engine/index.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import { DataError } from '../shared/errors.ts';
import { LabelsSchema, type Labels } from './labels.ts';
import { BUNDLE_FILES, modelsLayout, type ModelsLayout } from './layout.ts';
import { ManifestSchema, type BundleFile, type Manifest } from './manifest.ts';
import { ReferenceStatsSchema, type ReferenceStats } from './reference-stats.ts';
import { ScalerSchema, applyScaler, type Scaler } from './scaler.ts';
import { jsonText, putOnce, sha256 } from './write-once.ts';

/** The files of a bundle before they are written (model JSON as the engine saved it). */
export interface BundleContent {
  scaler: Scaler;
  labels: Labels;
  reference: ReferenceStats;
  /** XGBoost JSON text by target name. */
  models: Record<string, string>;
}

/** A complete version loaded for prediction. */
export interface LoadedBundle {
  version: string;
  manifest: Manifest;
  scaler: Scaler;
  labels: Labels;
  reference: ReferenceStats;
  boosters: Record<string, Booster>;
  /** The model JSON texts (for byte-level comparisons and continued training). */
  modelTexts: Record<string, string>;
}

/** Predictions by target: `nrow × k` probabilities for a class target, `nrow` values for a variable. */
export type BundlePredictions = Record<string, Float32Array>;

/** The files of a bundle as (relative path, text) pairs, in write order (manifest excluded). */
export function bundleFiles(content: BundleContent): Array<[string, string]> {
  const files: Array<[string, string]> = [
    [BUNDLE_FILES.scaler, jsonText(content.scaler)],
    [BUNDLE_FILES.labels, jsonText(content.labels)],
    [BUNDLE_FILES.reference, jsonText(content.reference)],
  ];
  for (const t of content.labels.targets) {
    const text = content.models[t.name];
    if (text === undefined) throw new DataError(`Bundle has no model for target ${t.name}`, { stage: 'train', details: { target: t.name } });
    files.push([`${BUNDLE_FILES.modelsDir}/${t.name}.json`, text]);
  }
  return files;
}

/**
 * Write a version: every file write-once (a replay writing identical bytes passes), then the
 * manifest, completed with the file digests. Returns the manifest as written.
 */
export async function writeBundle(
  store: ArtifactStore,
  prefix: string,
  version: string,
  content: BundleContent,
  manifest: Omit<Manifest, 'files' | 'version'>,
): Promise<Manifest> {
  const layout = modelsLayout(prefix);
  const files: BundleFile[] = [];
  for (const [rel, text] of bundleFiles(content)) {
    await putOnce(store, layout.file(version, rel), text);
    files.push({ path: rel, sha256: sha256(text), bytes: Buffer.byteLength(text) });
  }
  const full = ManifestSchema.parse({ ...manifest, version, files });
  await putOnce(store, layout.manifest(version), jsonText(full));
  return full;
}

async function readChecked(store: ArtifactStore, layout: ModelsLayout, version: string, file: BundleFile): Promise<string> {
  const bytes = await store.get(layout.file(version, file.path));
  if (sha256(bytes) !== file.sha256) {
    throw new DataError(`Model version ${version}: ${file.path} does not match the sha256 in its manifest`, { stage: 'train', code: 'BUNDLE_CORRUPT', details: { version, file: file.path } });
  }
  return bytes.toString('utf8');
}

function parseFile<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ message: string }> } } }, text: string, what: string): T {
  const res = schema.safeParse(JSON.parse(text));
  if (!res.success) throw new DataError(`${what} does not match its schema: ${res.error.issues[0]?.message}`, { stage: 'train', code: 'BUNDLE_CORRUPT' });
  return res.data;
}

/** Parse model texts into boosters (the costly part of loading a bundle). */
export function parseBoosters(modelTexts: Record<string, string>): Record<string, Booster> {
  return Object.fromEntries(Object.entries(modelTexts).map(([name, text]) => [name, Booster.loadModel(text)]));
}

/**
 * Load a complete version, verifying every file against the manifest's digests. With
 * `{ parse: false }` the boosters are left empty (fill them with `parseBoosters` when needed).
 */
export async function readBundle(store: ArtifactStore, prefix: string, version: string, manifest: Manifest, opts: { parse?: boolean } = {}): Promise<LoadedBundle> {
  const layout = modelsLayout(prefix);
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  const need = (rel: string) => {
    const f = byPath.get(rel);
    if (!f) throw new DataError(`Model version ${version}: manifest lists no ${rel}`, { stage: 'train', code: 'BUNDLE_CORRUPT', details: { version, file: rel } });
    return readChecked(store, layout, version, f);
  };
  const scaler = parseFile(ScalerSchema, await need(BUNDLE_FILES.scaler), `${version}/${BUNDLE_FILES.scaler}`);
  const labels = parseFile(LabelsSchema, await need(BUNDLE_FILES.labels), `${version}/${BUNDLE_FILES.labels}`);
  const reference = parseFile(ReferenceStatsSchema, await need(BUNDLE_FILES.reference), `${version}/${BUNDLE_FILES.reference}`);
  const modelTexts: Record<string, string> = {};
  for (const t of labels.targets) modelTexts[t.name] = await need(`${BUNDLE_FILES.modelsDir}/${t.name}.json`);
  const boosters = opts.parse === false ? {} : parseBoosters(modelTexts);
  return { version, manifest, scaler, labels, reference, boosters, modelTexts };
}

/** Predict every target for raw (unscaled) feature rows, scaling with the bundle's own scaler. */
export function predictBundle(
  bundle: Pick<LoadedBundle, 'scaler' | 'labels' | 'boosters'>,
  values: Float32Array,
  nrow: number,
): BundlePredictions {
  const scaled = applyScaler(bundle.scaler, values, nrow);
  const dm = new DMatrix(scaled, nrow, bundle.scaler.features.length);
  const out: BundlePredictions = {};
  for (const t of bundle.labels.targets) out[t.name] = bundle.boosters[t.name].predict(dm);
  return out;
}

/**
 * `predictBundle` with the rows split across worker threads (the same numbers): a large table
 * predicts on every core; a small one stays in-process (see `predictMany`).
 */
export async function predictBundleParallel(bundle: Pick<LoadedBundle, 'scaler' | 'labels' | 'boosters'>, values: Float32Array, nrow: number, opts: Pick<PredictManyOptions, 'workers' | 'parallelFrom'> = {}): Promise<BundlePredictions> {
  const dm = new DMatrix(applyScaler(bundle.scaler, values, nrow), nrow, bundle.scaler.features.length);
  const targets = bundle.labels.targets;
  const preds = await predictMany(targets.map((t) => bundle.boosters[t.name]), dm, opts);
  return Object.fromEntries(targets.map((t, i) => [t.name, preds[i]]));
}
