/**
 * The artefact port: a bucket of immutable objects (datasets, model versions, reports) plus a
 * few mutable pointers moved with a precondition. Paths are `/`-separated, relative to the
 * bucket root, never starting with `/`.
 */
import type { Readable } from 'node:stream';

/** What is known of a stored object without reading it. */
export interface ObjectInfo {
  path: string;
  size: number;
  /** Opaque version token of the object's current content (GCS generation; a local counter). */
  generation: string;
  updated: Date;
}

/** Options of a write. */
export interface PutOptions {
  /**
   * Precondition on the object's current generation: `'0'` means "must not exist" (write-once),
   * any other value means "must still be this generation" (compare-and-swap). Fails with a
   * ConflictError when not met; nothing is written then.
   */
  ifGenerationMatch?: string;
  contentType?: string;
}

/** A bucket. Every write is atomic: a reader sees the old object, the new one, or none, never half. */
export interface ArtifactStore {
  /** A human-readable location, e.g. `gs://bucket` or `/abs/path/bucket`. */
  readonly root: string;
  /** Write a whole object; returns its info. */
  put(path: string, data: string | Uint8Array, opts?: PutOptions): Promise<ObjectInfo>;
  /** Stream an object in (constant memory); committed atomically when the source ends. */
  putStream(path: string, source: Readable | AsyncIterable<string | Uint8Array>, opts?: PutOptions): Promise<ObjectInfo>;
  /** Read a whole object; NotFoundError when missing. */
  get(path: string): Promise<Buffer>;
  /** Stream an object out; NotFoundError when missing. */
  getStream(path: string): Promise<Readable>;
  /** Info of an object, or null when missing. */
  stat(path: string): Promise<ObjectInfo | null>;
  /** True when the object exists. */
  exists(path: string): Promise<boolean>;
  /** Objects whose path starts with `prefix`, sorted by path. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Delete an object; deleting a missing object is not an error. */
  delete(path: string): Promise<void>;
}

/** A store's own leftover of an interrupted write (a temporary or a lock file), never an object. */
export interface ScratchFile {
  /** Where it is, for people (an absolute file path). */
  location: string;
  kind: 'temp' | 'lock';
  /** Last change. */
  modified: Date;
  /** Set when it may be removed now (lock files: owner gone or lease expired). */
  staleReason: string | null;
}

/**
 * Implemented by stores that leave files of their own behind after a crash (the folder store's
 * `.~tmp-*` and `.~lock-*`); Cloud Storage has none: its uploads are atomic server-side.
 */
export interface ScratchSweeper {
  scratchFiles(): Promise<ScratchFile[]>;
  removeScratch(file: ScratchFile): Promise<void>;
}

/** True when a store can list and remove its scratch files. */
export function hasScratch(store: ArtifactStore): store is ArtifactStore & ScratchSweeper {
  return typeof (store as Partial<ScratchSweeper>).scratchFiles === 'function' && typeof (store as Partial<ScratchSweeper>).removeScratch === 'function';
}
