/**
 * The serving path: the serving state (`models/current.json`) re-read at most every
 * `serving.stateRefreshSeconds`, the versions it names loaded through the version cache, and one
 * session answered in the shape of the log's `served` block. Building a snapshot is the only
 * asynchronous part; answering from a snapshot is synchronous, so the HTTP handler, the
 * simulator and the benchmark share exactly the same code.
 *
 * Never an error: a version that fails verification is served around — a damaged stable version
 * by the pointer's `previousVersion`, else the newest older version that verifies; a damaged canary by
 * the stable version — and `onFallback` is told once per state so the caller can record it. With
 * nothing servable (no state yet, an unreadable state at start-up, no verified version) the
 * session gets the default stylesheet with `variant: default`.
 */
import type { SessionContext, ServedPrediction } from '../data/log-schema.ts';
import type { CurrentPointer, ModelRegistry } from '../models/registry.ts';
import { describeError } from '../shared/errors.ts';
import { inCanaryShare, userBucket } from './assignment.ts';
import { defaultServed } from './default-stylesheet.ts';
import { predictSession, type ServingModel } from './serving-model.ts';
import { VersionCache } from './version-cache.ts';

/** A version served around because it failed to load. */
export interface FallbackEvent {
  /** The version that could not be served. */
  version: string;
  role: 'stable' | 'canary';
  problem: string;
  /** True when the failure is permanent (damage), false when it may pass (network). */
  damaged: boolean;
  /** The version served in its place (null: the default stylesheet). */
  servedInstead: string | null;
  /** The state and its generation the fallback was decided on. */
  state: CurrentPointer;
  generation: string;
}

/** What every answer of one refresh period is computed from. */
export interface ServingSnapshot {
  state: CurrentPointer | null;
  generation: string | null;
  /** Why the stored state could not be read (the previous snapshot's versions keep serving). */
  stateProblem: string | null;
  stable: ServingModel | null;
  canary: { model: ServingModel; percentage: number; salt: string } | null;
  fallbacks: FallbackEvent[];
  /** `performance.now()` when the state was read. */
  readAtMs: number;
}

/** Options of a server. */
export interface ModelServerOptions {
  registry: ModelRegistry;
  /** Re-read the state at most this often (0: on every request). */
  refreshMs: number;
  maxVersions: number;
  /** Told about each fallback once per state generation (record it); awaited by `idle()`, not by requests. */
  onFallback?: (event: FallbackEvent) => Promise<unknown> | void;
  /** Told when the stored state cannot be read. */
  onStateProblem?: (problem: string) => void;
}

/** What `GET /healthz` reports. */
export interface ServingHealth {
  status: 'ok' | 'degraded';
  state: { version: string | null; canary: { version: string; percentage: number } | null; generation: string | null; deploymentId: string | null; problem: string | null };
  serving: { stable: string | null; canary: string | null };
  loaded: string[];
  damaged: Record<string, string>;
  fallbacks: Array<Pick<FallbackEvent, 'version' | 'role' | 'problem' | 'servedInstead'>>;
  stateAgeSeconds: number | null;
}

const EMPTY: ServingSnapshot = { state: null, generation: null, stateProblem: null, stable: null, canary: null, fallbacks: [], readAtMs: -Infinity };

/** One instance's serving path. */
export class ModelServer {
  readonly cache: VersionCache;
  readonly #opts: ModelServerOptions;
  #snapshot: ServingSnapshot | null = null;
  #refreshing: Promise<ServingSnapshot> | null = null;
  readonly #background = new Set<Promise<unknown>>();

  constructor(opts: ModelServerOptions) {
    this.#opts = opts;
    this.cache = new VersionCache(opts.registry, opts.maxVersions);
  }

  /** The current snapshot, refreshed first when older than the refresh period. */
  async snapshot(): Promise<ServingSnapshot> {
    const s = this.#snapshot;
    if (s && performance.now() - s.readAtMs < this.#opts.refreshMs) return s;
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = null));
    return await this.#refreshing;
  }

  /** Answer one session from a snapshot (synchronous: no I/O). */
  serve(snap: ServingSnapshot, userId: string, ctx: SessionContext): ServedPrediction {
    const t0 = performance.now();
    if (!snap.stable) return defaultServed(round3(performance.now() - t0));
    let model = snap.stable;
    let variant: 'current' | 'canary' = 'current';
    if (snap.canary && inCanaryShare(userBucket(userId, snap.canary.salt), snap.canary.percentage)) {
      model = snap.canary.model;
      variant = 'canary';
    }
    const p = predictSession(model, ctx);
    return { model_version: model.version, variant, ...p, latency_ms: round3(performance.now() - t0) };
  }

  /** Refresh if due, then answer one session. */
  async predict(userId: string, ctx: SessionContext): Promise<ServedPrediction> {
    return this.serve(await this.snapshot(), userId, ctx);
  }

  /** Resolve when the fallbacks told so far have been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#background.size) await Promise.allSettled([...this.#background]);
  }

  /** What the instance serves and holds. */
  health(): ServingHealth {
    const s = this.#snapshot ?? EMPTY;
    const c = s.state?.canary ?? null;
    return {
      status: s.stateProblem || s.fallbacks.length ? 'degraded' : 'ok',
      state: { version: s.state?.version ?? null, canary: c ? { version: c.version, percentage: c.percentage } : null, generation: s.generation, deploymentId: s.state?.deploymentId ?? null, problem: s.stateProblem },
      serving: { stable: s.stable?.version ?? null, canary: s.canary?.model.version ?? null },
      loaded: this.cache.loaded(),
      damaged: this.cache.damagedVersions(),
      fallbacks: s.fallbacks.map(({ version, role, problem, servedInstead }) => ({ version, role, problem, servedInstead })),
      stateAgeSeconds: Number.isFinite(s.readAtMs) ? Math.round(performance.now() - s.readAtMs) / 1000 : null,
    };
  }

  async #refresh(): Promise<ServingSnapshot> {
    const prev = this.#snapshot;
    const readAtMs = performance.now();
    const registry = this.#opts.registry;
    let read;
    try {
      // A stat is enough while the state is unchanged: the same generation is the same state.
      const info = await registry.store.stat(registry.layout.current);
      if (prev && info && prev.generation === info.generation && !prev.stateProblem && prev.fallbacks.every((f) => f.damaged)) return this.#keep({ ...prev, readAtMs });
      read = await registry.readServingState();
    } catch (err) {
      // The store is unreachable: keep serving what we have, try again next period.
      return this.#keep({ ...(prev ?? EMPTY), readAtMs, stateProblem: describeError(err) });
    }
    if (read.problem) {
      if (prev?.stateProblem !== read.problem) this.#opts.onStateProblem?.(read.problem);
      return this.#keep({ ...(prev ?? EMPTY), readAtMs, stateProblem: read.problem });
    }
    if (!read.pointer) return this.#keep({ ...EMPTY, readAtMs });
    return this.#keep(await this.#build(read.pointer, read.generation!, readAtMs, prev));
  }

  async #build(state: CurrentPointer, generation: string, readAtMs: number, prev: ServingSnapshot | null): Promise<ServingSnapshot> {
    const fallbacks: FallbackEvent[] = [];
    let stable: ServingModel | null = null;
    const first = await this.cache.load(state.version);
    if (first.ok) stable = first.model;
    else {
      stable = await this.#fallbackStable(state, prev);
      fallbacks.push({ version: state.version, role: 'stable', problem: first.problem, damaged: first.damaged, servedInstead: stable?.version ?? null, state, generation });
    }
    let canary: ServingSnapshot['canary'] = null;
    if (state.canary && stable) {
      const c = await this.cache.load(state.canary.version);
      if (c.ok) canary = { model: c.model, percentage: state.canary.percentage, salt: state.canary.salt };
      else fallbacks.push({ version: state.canary.version, role: 'canary', problem: c.problem, damaged: c.damaged, servedInstead: stable.version, state, generation });
    }
    const snap: ServingSnapshot = { state, generation, stateProblem: null, stable, canary, fallbacks, readAtMs };
    for (const f of fallbacks) {
      const pending = this.#opts.onFallback?.(f);
      if (pending) {
        const tracked: Promise<unknown> = Promise.resolve(pending).catch(() => undefined).finally(() => this.#background.delete(tracked));
        this.#background.add(tracked);
      }
    }
    return snap;
  }

  /**
   * The version serving in place of a stable one that failed: its `previousVersion`, the version
   * this instance served last, else the newest older version that verifies. Never a newer one: a
   * version written after the stable one may never have been deployed (or was rolled back).
   */
  async #fallbackStable(state: CurrentPointer, prev: ServingSnapshot | null): Promise<ServingModel | null> {
    const avoid = new Set([state.version, state.canary?.version]);
    const tried = new Set<string>();
    const tryLoad = async (v: string | null | undefined) => {
      if (!v || avoid.has(v) || tried.has(v)) return null;
      tried.add(v);
      const r = await this.cache.load(v);
      return r.ok ? r.model : null;
    };
    const quick = (await tryLoad(state.previousVersion)) ?? (await tryLoad(prev?.stable?.version));
    if (quick) return quick;
    let versions: string[];
    try {
      versions = (await this.#opts.registry.listVersions()).filter((v) => v < state.version).reverse();
    } catch {
      return null;
    }
    for (const v of versions) {
      const m = await tryLoad(v);
      if (m) return m;
    }
    return null;
  }

  #keep(snap: ServingSnapshot): ServingSnapshot {
    this.#snapshot = snap;
    const pinned = new Set<string>();
    if (snap.stable) pinned.add(snap.stable.version);
    if (snap.canary) pinned.add(snap.canary.model.version);
    this.cache.evict(pinned);
    return snap;
  }
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
