/**
 * Turning trained models into a stored version: bind a name to the run (a replayed run gets its
 * earlier name back), write the bundle write-once, manifest last; and removing the files of a
 * run's version that a failed attempt left without a manifest.
 */
import { readFileSync } from 'node:fs';
import type { BundleContent } from '../../models/bundle.ts';
import { writeBundle } from '../../models/bundle.ts';
import type { Manifest } from '../../models/manifest.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { ArtifactStore, Ports } from '../../ports/index.ts';
import { bindVersion, readBinding } from '../../runs/version-binding.ts';

/** `functions@<package version>[+<RETRAIN_CODE_VERSION or K_REVISION>]`, recorded in every manifest. */
export const CODE_VERSION: string = (() => {
  let v = '0.0.0';
  try {
    v = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? v;
  } catch {
    // A bundled build without package.json still trains; the revision below identifies it.
  }
  const rev = process.env.RETRAIN_CODE_VERSION ?? process.env.K_REVISION;
  return `functions@${v}${rev ? `+${rev}` : ''}`;
})();

/** Bind a version name to the run and write the bundle; returns the manifest as stored. */
export async function writeVersion(
  ports: Pick<Ports, 'artifacts' | 'clock'>,
  prefix: string,
  runId: string,
  content: BundleContent,
  manifest: Omit<Manifest, 'files' | 'version' | 'createdAt' | 'runId' | 'codeVersion'>,
): Promise<Manifest> {
  const registry = new ModelRegistry(ports.artifacts, prefix);
  const at = ports.clock.now();
  const version = await bindVersion(ports.artifacts, registry.layout, runId, at);
  // A replay of a run whose version is already complete returns it untouched.
  if (await ports.artifacts.exists(registry.layout.manifest(version))) return await registry.manifest(version);
  return await writeBundle(ports.artifacts, prefix, version, content, { ...manifest, createdAt: at.toISOString(), runId, codeVersion: CODE_VERSION });
}

/**
 * Delete the files of the run's model version unless its manifest marks it complete (a run that
 * failed for good); the binding stays, so a rerun of the run writes the same version again.
 * Complete versions are never touched. Returns the deleted paths.
 */
export async function cleanupIncompleteVersion(artifacts: ArtifactStore, prefix: string, runId: string): Promise<string[]> {
  const registry = new ModelRegistry(artifacts, prefix);
  const bound = await readBinding(artifacts, registry.layout, runId);
  if (!bound) return [];
  const version = bound.binding.version;
  if (await artifacts.exists(registry.layout.manifest(version))) return [];
  const objects = await artifacts.list(registry.layout.versionDir(version));
  for (const o of objects) await artifacts.delete(o.path);
  return objects.map((o) => o.path);
}
