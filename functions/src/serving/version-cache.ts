/**
 * The versions one serving instance holds in memory: each loaded once (every file checked against
 * its manifest's sha256, boosters parsed, servability checked), shared by concurrent requests
 * while it loads, and evicted least-recently-used beyond a small cap — never while the serving
 * state still needs it. A version that fails to load for a permanent reason (a digest mismatch, a
 * missing file, a bad manifest) is remembered as damaged and never tried again; versions are
 * immutable, so damage does not heal. A transient failure (network) is not remembered.
 */
import { readBundle } from '../models/bundle.ts';
import type { ModelRegistry } from '../models/registry.ts';
import { describeError, isTransient } from '../shared/errors.ts';
import { servingModel, type ServingModel } from './serving-model.ts';

/** The outcome of asking for a version. */
export type VersionLoad =
  | { ok: true; model: ServingModel }
  | { ok: false; damaged: boolean; problem: string };

/** Loaded versions of one instance. */
export class VersionCache {
  readonly #registry: ModelRegistry;
  readonly #max: number;
  /** Loaded versions in least-recently-used order (Map keeps insertion order). */
  readonly #models = new Map<string, ServingModel>();
  readonly #loading = new Map<string, Promise<VersionLoad>>();
  readonly #damaged = new Map<string, string>();
  /** Milliseconds spent loading each version (health and benchmarks). */
  readonly loadMs = new Map<string, number>();

  constructor(registry: ModelRegistry, maxVersions: number) {
    this.#registry = registry;
    this.#max = Math.max(1, maxVersions);
  }

  /** A loaded version, or undefined (no I/O). */
  peek(version: string): ServingModel | undefined {
    const m = this.#models.get(version);
    if (m) {
      this.#models.delete(version);
      this.#models.set(version, m);
    }
    return m;
  }

  /** The problem of a version known to be damaged, else undefined. */
  damage(version: string): string | undefined {
    return this.#damaged.get(version);
  }

  /** Load a version (once; concurrent callers share the load). Never throws. */
  async load(version: string): Promise<VersionLoad> {
    const hit = this.peek(version);
    if (hit) return { ok: true, model: hit };
    const known = this.#damaged.get(version);
    if (known) return { ok: false, damaged: true, problem: known };
    let pending = this.#loading.get(version);
    if (!pending) {
      pending = this.#read(version).finally(() => this.#loading.delete(version));
      this.#loading.set(version, pending);
    }
    return await pending;
  }

  async #read(version: string): Promise<VersionLoad> {
    const t0 = performance.now();
    try {
      const manifest = await this.#registry.manifest(version);
      const bundle = await readBundle(this.#registry.store, this.#registry.layout.prefix, version, manifest);
      const model = servingModel(bundle);
      this.#models.set(version, model);
      this.loadMs.set(version, performance.now() - t0);
      return { ok: true, model };
    } catch (err) {
      const problem = describeError(err);
      if (isTransient(err)) return { ok: false, damaged: false, problem };
      this.#damaged.set(version, problem);
      return { ok: false, damaged: true, problem };
    }
  }

  /** Drop least-recently-used versions beyond the cap, keeping every `pinned` one. */
  evict(pinned: ReadonlySet<string>): void {
    for (const version of this.#models.keys()) {
      if (this.#models.size <= this.#max) return;
      if (!pinned.has(version)) this.#models.delete(version);
    }
  }

  /** Versions in memory, least recently used first. */
  loaded(): string[] {
    return [...this.#models.keys()];
  }

  /** Versions known to be damaged, with their problem. */
  damagedVersions(): Record<string, string> {
    return Object.fromEntries(this.#damaged);
  }
}
