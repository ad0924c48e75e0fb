/**
 * Turning trained models into a stored version: claim a name for the run (a replayed run gets
 * its earlier name back), write the bundle write-once, manifest last.
 */
import { readFileSync } from 'node:fs';
import type { BundleContent } from '../../models/bundle.ts';
import { writeBundle } from '../../models/bundle.ts';
import type { Manifest } from '../../models/manifest.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { Ports } from '../../ports/index.ts';

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


/** Claim a version name for the run and write the bundle; returns the manifest as stored. */
export async function writeVersion(
  ports: Pick<Ports, 'artifacts' | 'clock'>,
  prefix: string,
  runId: string,
  content: BundleContent,
  manifest: Omit<Manifest, 'files' | 'version' | 'createdAt' | 'runId' | 'codeVersion'>,
): Promise<Manifest> {
  const registry = new ModelRegistry(ports.artifacts, prefix);
  const at = ports.clock.now();
  const version = await registry.claimVersion(runId, at);
  // A replay of a run whose version is already complete returns it untouched.
  if (await ports.artifacts.exists(registry.layout.manifest(version))) return await registry.manifest(version);
  return await writeBundle(ports.artifacts, prefix, version, content, { ...manifest, createdAt: at.toISOString(), runId, codeVersion: CODE_VERSION });
}
