/**
 * What `--model <ref>` names: `current`, a version name in the registry, a bucket path
 * (`models/v_…` or `gs://bucket/models/v_…`), or a local version folder (one holding a
 * `manifest.json`). Every form loads the same way: the manifest, then every file checked
 * against its sha256, so a damaged version is refused before it is scored.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FolderArtifactStore } from '../../adapters/embedded/folder-artifact-store.ts';
import type { RetrainingConfig } from '../../config/schema.ts';
import { readBundle, type LoadedBundle } from '../../models/bundle.ts';
import { isVersionName } from '../../models/layout.ts';
import { ManifestSchema } from '../../models/manifest.ts';
import { ModelRegistry } from '../../models/registry.ts';
import type { ArtifactStore } from '../../ports/index.ts';
import { ConfigError, DataError, NotFoundError } from '../../shared/errors.ts';

/** A resolved, verified version and where it came from. */
export interface ResolvedModel {
  ref: string;
  bundle: LoadedBundle;
  /** `<store root>/<prefix>/<version>`: where it was read. */
  source: string;
  /** The store and models prefix it lives under (for writing reports beside the registry). */
  store: ArtifactStore;
  prefix: string;
}

async function fromStore(store: ArtifactStore, prefix: string, version: string, ref: string): Promise<ResolvedModel> {
  const registry = new ModelRegistry(store, prefix);
  const manifest = await registry.manifest(version);
  const bundle = await readBundle(store, registry.layout.prefix, version, manifest);
  return { ref, bundle, source: `${store.root}/${registry.layout.prefix}/${version}`, store, prefix: registry.layout.prefix };
}

/** Split `a/b/v_x` into the models prefix `a/b` and the version `v_x`. */
function splitVersionPath(p: string, ref: string, flag: string): { prefix: string; version: string } {
  const parts = p.replace(/\/+$/, '').split('/');
  const version = parts.pop() ?? '';
  if (!isVersionName(version) || !parts.length) throw new ConfigError(`${flag} ${ref}: expected <prefix>/v_YYYYMMDD_HHMMSS, a version name, current, or a local version folder`, { [flag]: ref });
  return { prefix: parts.join('/'), version };
}

/** Resolve and load a model reference; `flag` names the option in errors (`--model`, `--model-a`). */
export async function resolveModel(store: ArtifactStore, config: RetrainingConfig, ref: string, flag = '--model'): Promise<ResolvedModel> {
  const prefix = config.pipeline.layout.modelsPrefix;
  if (ref === 'current') {
    const cur = await new ModelRegistry(store, prefix).current();
    if (!cur) throw new NotFoundError(`${flag} current: no version serves yet under ${store.root}/${prefix}/`, { stage: 'evaluate', details: { ref } });
    return await fromStore(store, prefix, cur.pointer.version, ref);
  }
  if (isVersionName(ref)) return await fromStore(store, prefix, ref, ref);
  const gs = /^gs:\/\/([^/]+)\/(.+)$/.exec(ref);
  if (gs) {
    if (store.root !== `gs://${gs[1]}`) throw new ConfigError(`${flag} ${ref}: the bucket in use is ${store.root}`, { [flag]: ref });
    const { prefix: p, version } = splitVersionPath(gs[2], ref, flag);
    return await fromStore(store, p, version, ref);
  }
  if (existsSync(ref) && statSync(ref).isDirectory()) {
    const dir = path.resolve(ref);
    const manifestFile = path.join(dir, 'manifest.json');
    if (!existsSync(manifestFile)) throw new NotFoundError(`${flag} ${ref}: no manifest.json in this folder (an incomplete or foreign version)`, { stage: 'evaluate', details: { ref } });
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(manifestFile, 'utf8'));
    } catch (err) {
      throw new DataError(`${flag} ${ref}: manifest.json is not valid JSON`, { stage: 'evaluate', code: 'BUNDLE_CORRUPT', cause: err });
    }
    const parsed = ManifestSchema.safeParse(raw);
    if (!parsed.success) throw new DataError(`${flag} ${ref}: manifest.json does not match its schema: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`, { stage: 'evaluate', code: 'BUNDLE_CORRUPT' });
    const version = path.basename(dir);
    const folderStore = new FolderArtifactStore(path.dirname(path.dirname(dir)));
    const folderPrefix = path.basename(path.dirname(dir));
    const bundle = await readBundle(folderStore, folderPrefix, version, parsed.data);
    return { ref, bundle, source: dir, store: folderStore, prefix: folderPrefix };
  }
  if (ref.includes('/') && !path.isAbsolute(ref) && !ref.startsWith('.')) {
    const { prefix: p, version } = splitVersionPath(ref, ref, flag);
    return await fromStore(store, p, version, ref);
  }
  throw new ConfigError(`${flag} ${ref}: not a version name, current, a bucket path or a local version folder`, { [flag]: ref });
}
