/**
 * The model registry over the artefact store: lists complete versions (those with a manifest),
 * reads and moves the `current` pointer with a compare-and-swap on its generation and backs the
 * pointer up (layout in layout.ts, docs/model-bundle.md). Which run writes which version is run
 * bookkeeping: runs/version-binding.ts.
 */
import { z } from 'zod';
import type { ArtifactStore, ObjectInfo } from '../ports/artifact-store.ts';
import { ConflictError, DataError, NotFoundError } from '../shared/errors.ts';
import { isVersionName, modelsLayout, stamp, type ModelsLayout } from './layout.ts';
import { ManifestSchema, type Manifest } from './manifest.ts';
import { jsonText } from './write-once.ts';
import { readStoredJson } from './stored-json.ts';

/**
 * A canary: `percentage` % of users (by a sticky hash of their id salted with `salt`) are served
 * `version` instead of the stable one, from `startedAt` until it is promoted or rolled back.
 */
export const CanarySchema = z.strictObject({
  version: z.string().min(1),
  percentage: z.number().gt(0).lt(100),
  startedAt: z.iso.datetime({ offset: true }),
  salt: z.string().min(1),
  deploymentId: z.string().nullable(),
});

/**
 * `models/current.json`: the serving state — which version serves everyone (`version`, the
 * stable one) and optionally which one serves a canary share. One object, so every change of
 * what users get is one compare-and-swap write.
 */
export const CurrentPointerSchema = z.strictObject({
  version: z.string().min(1),
  previousVersion: z.string().nullable(),
  updatedAt: z.iso.datetime({ offset: true }),
  runId: z.string().nullable(),
  reason: z.string(),
  canary: CanarySchema.nullable().default(null),
  /** The deployment record that made this state (null for states written before deployments existed). */
  deploymentId: z.string().nullable().default(null),
});

/** `models/backups/<stamp>.json`: the pointer and its version as they were before a change. */
export const PointerBackupSchema = z.strictObject({
  backedUpAt: z.iso.datetime({ offset: true }),
  generation: z.string().nullable(),
  pointer: CurrentPointerSchema.nullable(),
  manifest: ManifestSchema.nullable(),
});

export type Canary = z.infer<typeof CanarySchema>;
export type CurrentPointer = z.infer<typeof CurrentPointerSchema>;
export type PointerBackup = z.infer<typeof PointerBackupSchema>;

/**
 * The serving state as stored, read without throwing: an unreadable `current.json` still has a
 * generation, so that a rollback can replace it with one compare-and-swap write.
 */
export interface ServingStateRead {
  /** The parsed state, or null when there is none or it is unreadable. */
  pointer: CurrentPointer | null;
  /** Generation of `current.json` (null when there is none). */
  generation: string | null;
  /** Why the stored state could not be read (invalid JSON, schema), else null. */
  problem: string | null;
}

/** Versions and the current pointer under one models prefix. */
export class ModelRegistry {
  readonly store: ArtifactStore;
  readonly layout: ModelsLayout;

  constructor(store: ArtifactStore, prefix = 'models') {
    this.store = store;
    this.layout = modelsLayout(prefix);
  }

  /** Names of complete versions (manifest present), oldest first. */
  async listVersions(): Promise<string[]> {
    const objects = await this.store.list(`${this.layout.prefix}/v_`);
    const names = new Set<string>();
    for (const o of objects) {
      const rest = o.path.slice(this.layout.prefix.length + 1);
      const [version, file] = rest.split('/');
      if (file === 'manifest.json' && rest === `${version}/manifest.json` && isVersionName(version)) names.add(version);
    }
    return [...names].sort();
  }

  /** The manifest of a complete version; NotFoundError when the version is missing or incomplete. */
  async manifest(version: string): Promise<Manifest> {
    const m = await readStoredJson(this.store, this.layout.manifest(version), ManifestSchema);
    if (!m) throw new NotFoundError(`Model version ${version} not found (no ${this.layout.manifest(version)})`, { stage: 'train', details: { version } });
    return m;
  }

  /** The current pointer and its generation, or null when no version serves yet. */
  async current(): Promise<{ pointer: CurrentPointer; generation: string } | null> {
    const info = await this.store.stat(this.layout.current);
    if (!info) return null;
    const pointer = await readStoredJson(this.store, this.layout.current, CurrentPointerSchema);
    return pointer ? { pointer, generation: info.generation } : null;
  }

  /** The serving state with its generation; an unreadable `current.json` is reported, not thrown. */
  async readServingState(): Promise<ServingStateRead> {
    const info = await this.store.stat(this.layout.current);
    if (!info) return { pointer: null, generation: null, problem: null };
    try {
      const pointer = await readStoredJson(this.store, this.layout.current, CurrentPointerSchema);
      return pointer ? { pointer, generation: info.generation, problem: null } : { pointer: null, generation: null, problem: null };
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      return { pointer: null, generation: info.generation, problem: err.message };
    }
  }

  /**
   * Replace the serving state in one compare-and-swap write: only if `current.json` is still at
   * `expectedGeneration` (null: only if there is none yet). The stable and canary versions must
   * be complete. ConflictError tells the loser of a race; nothing is written then.
   */
  async writeServingState(next: CurrentPointer, expectedGeneration: string | null): Promise<ObjectInfo> {
    const state = CurrentPointerSchema.parse(next);
    await this.manifest(state.version);
    if (state.canary) await this.manifest(state.canary.version);
    return await this.store.put(this.layout.current, jsonText(state), { ifGenerationMatch: expectedGeneration ?? '0', contentType: 'application/json' });
  }

  /**
   * Point `current` at a complete version, only if the pointer is still at `expectedGeneration`
   * (`'0'` / null: only if there is none yet). ConflictError when another writer moved it first.
   */
  async moveCurrent(version: string, opts: { expectedGeneration: string | null; at: Date; runId?: string | null; reason: string; previousVersion?: string | null }): Promise<CurrentPointer> {
    const pointer: CurrentPointer = {
      version,
      previousVersion: opts.previousVersion ?? null,
      updatedAt: opts.at.toISOString(),
      runId: opts.runId ?? null,
      reason: opts.reason,
      canary: null,
      deploymentId: null,
    };
    await this.writeServingState(pointer, opts.expectedGeneration === '0' ? null : opts.expectedGeneration);
    return pointer;
  }

  /** Copy the current pointer and its version's manifest to `backups/` (write-once); returns the path. */
  async backupCurrent(at: Date): Promise<string> {
    const cur = await this.current();
    const manifest = cur ? await this.manifest(cur.pointer.version).catch(() => null) : null;
    const backup: PointerBackup = { backedUpAt: at.toISOString(), generation: cur?.generation ?? null, pointer: cur?.pointer ?? null, manifest };
    const base = `${stamp(at)}_g${cur?.generation ?? '0'}`;
    for (let n = 1; ; n++) {
      const path = this.layout.backup(n === 1 ? base : `${base}_${n}`);
      try {
        await this.store.put(path, jsonText(backup), { ifGenerationMatch: '0', contentType: 'application/json' });
        return path;
      } catch (err) {
        if (!(err instanceof ConflictError) || n > 100) throw err;
      }
    }
  }
}
