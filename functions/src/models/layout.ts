/**
 * Where a model version lives in the artefact store. Everything is under the configured models
 * prefix (default `models`):
 *
 *   models/current.json                      the serving pointer (moved with a precondition)
 *   models/backups/<stamp>.json              copies of the pointer taken by --backup-current
 *   models/claims/<version>.json             write-once lock on a version name (runs/version-binding.ts)
 *   models/bindings/<runId>.json             run → version, then its training result (legacy: models/runs/)
 *   models/v_YYYYMMDD_HHMMSS[_suffix]/       one immutable version (see docs/model-bundle.md)
 *     scaler.json  labels.json  reference.json  models/<target>.json  manifest.json (last)
 */

/** Name pattern of a version folder. */
export const VERSION_PATTERN = /^v_\d{8}_\d{6}(?:_[a-z0-9]{1,16}){0,2}$/;

/** File names inside a version folder. */
export const BUNDLE_FILES = {
  scaler: 'scaler.json',
  labels: 'labels.json',
  reference: 'reference.json',
  manifest: 'manifest.json',
  modelsDir: 'models',
} as const;

/** Strip slashes so that `models/` and `models` mean the same prefix. */
export function normalizePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+|\/+$/g, '');
  return p.length ? p : 'models';
}

/** `YYYYMMDD_HHMMSS` of an instant, in UTC. */
export function stamp(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** The version name a run would take at `at` (before any suffix). */
export function baseVersionName(at: Date): string {
  return `v_${stamp(at)}`;
}

/** True for a well-formed version name. */
export function isVersionName(name: string): boolean {
  return VERSION_PATTERN.test(name);
}

/** Paths of one models prefix. */
export interface ModelsLayout {
  prefix: string;
  current: string;
  backup(stampText: string): string;
  claim(version: string): string;
  /** The run's version binding. */
  binding(runId: string): string;
  /** Where bindings were written before they were called so (read, never written). */
  legacyBinding(runId: string): string;
  versionDir(version: string): string;
  file(version: string, name: string): string;
  model(version: string, target: string): string;
  manifest(version: string): string;
}

/** The layout under a prefix. */
export function modelsLayout(prefix: string): ModelsLayout {
  const p = normalizePrefix(prefix);
  return {
    prefix: p,
    current: `${p}/current.json`,
    backup: (s) => `${p}/backups/${s}.json`,
    claim: (v) => `${p}/claims/${v}.json`,
    binding: (runId) => `${p}/bindings/${runId}.json`,
    legacyBinding: (runId) => `${p}/runs/${runId}.json`,
    versionDir: (v) => `${p}/${v}/`,
    file: (v, name) => `${p}/${v}/${name}`,
    model: (v, target) => `${p}/${v}/${BUNDLE_FILES.modelsDir}/${target}.json`,
    manifest: (v) => `${p}/${v}/${BUNDLE_FILES.manifest}`,
  };
}
