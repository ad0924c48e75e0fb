/**
 * Registry integrity: a version is intact when its manifest parses, names the version, lists every
 * file a bundle needs, and every listed file exists with the size and sha256 the manifest gives.
 * A damaged version is reported with one line per problem, never thrown, so that one bad version
 * cannot break a listing, and the deployer and the serving path can refuse it by name.
 */
import { DataError, NotFoundError, describeError } from '../shared/errors.ts';
import { LabelsSchema } from './labels.ts';
import { BUNDLE_FILES } from './layout.ts';
import type { Manifest } from './manifest.ts';
import type { ModelRegistry } from './registry.ts';
import { sha256 } from './write-once.ts';

/** What `verifyVersion` found. */
export interface VersionCheck {
  version: string;
  /** True when nothing is wrong. */
  ok: boolean;
  /** The manifest when it could be read (also for a damaged version whose files are wrong). */
  manifest: Manifest | null;
  /** Files checked against their digests. */
  filesChecked: number;
  /** One line per problem (`models/css_var_3.json: sha256 does not match the manifest`). */
  problems: string[];
}

/** The model files a bundle's labels call for, or a problem when labels.json does not parse. */
function modelFiles(labelsText: string): { files: string[]; problem: string | null } {
  try {
    const parsed = LabelsSchema.safeParse(JSON.parse(labelsText));
    if (!parsed.success) return { files: [], problem: `${BUNDLE_FILES.labels}: does not match its schema` };
    return { files: parsed.data.targets.map((t) => `${BUNDLE_FILES.modelsDir}/${t.name}.json`), problem: null };
  } catch {
    return { files: [], problem: `${BUNDLE_FILES.labels}: not valid JSON` };
  }
}

/** Check one version against its manifest; every file is read and hashed. */
export async function verifyVersion(registry: ModelRegistry, version: string): Promise<VersionCheck> {
  let manifest: Manifest;
  try {
    manifest = await registry.manifest(version);
  } catch (err) {
    if (err instanceof NotFoundError) return { version, ok: false, manifest: null, filesChecked: 0, problems: [`${BUNDLE_FILES.manifest}: missing (incomplete or unknown version)`] };
    if (err instanceof DataError) return { version, ok: false, manifest: null, filesChecked: 0, problems: [`${BUNDLE_FILES.manifest}: ${describeError(err)}`] };
    throw err;
  }
  const problems: string[] = [];
  if (manifest.version !== version) problems.push(`${BUNDLE_FILES.manifest}: names version ${manifest.version}`);
  let labelsText: string | null = null;
  let checked = 0;
  for (const file of manifest.files) {
    let bytes: Buffer;
    try {
      bytes = await registry.store.get(registry.layout.file(version, file.path));
    } catch (err) {
      if (err instanceof NotFoundError) {
        problems.push(`${file.path}: missing`);
        continue;
      }
      throw err;
    }
    checked += 1;
    if (bytes.length !== file.bytes) problems.push(`${file.path}: ${bytes.length} bytes, the manifest says ${file.bytes}`);
    else if (sha256(bytes) !== file.sha256) problems.push(`${file.path}: sha256 does not match the manifest`);
    else if (file.path === BUNDLE_FILES.labels) labelsText = bytes.toString('utf8');
  }
  const listed = new Set(manifest.files.map((f) => f.path));
  const models = labelsText === null ? { files: [], problem: null } : modelFiles(labelsText);
  if (models.problem) problems.push(models.problem);
  for (const need of [BUNDLE_FILES.scaler, BUNDLE_FILES.labels, BUNDLE_FILES.reference, ...models.files]) {
    if (!listed.has(need)) problems.push(`${need}: not listed in the manifest`);
  }
  return { version, ok: problems.length === 0, manifest, filesChecked: checked, problems };
}

/** Check several versions (a few at a time), in the order given. */
export async function verifyVersions(registry: ModelRegistry, versions: readonly string[], concurrency = 4): Promise<VersionCheck[]> {
  const out: VersionCheck[] = new Array(versions.length);
  let next = 0;
  const worker = async () => {
    while (next < versions.length) {
      const i = next++;
      out[i] = await verifyVersion(registry, versions[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, versions.length) }, worker));
  return out;
}
