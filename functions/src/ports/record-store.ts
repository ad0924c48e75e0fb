/**
 * The record port: small JSON documents that describe the pipeline's own work (runs, trigger
 * decisions, deployments), keyed by collection and id. Firestore in the cloud, SQLite locally.
 */

/** A stored record with its revision (for optimistic concurrency). */
export interface StoredRecord<T = Record<string, unknown>> {
  id: string;
  data: T;
  /** Increases on each write; pass it back to `update` to guard against lost updates. */
  revision: number;
}

/** A simple listing: equality filters, one order, a limit. */
export interface ListQuery {
  where?: Record<string, string | number | boolean>;
  orderBy?: { field: string; direction?: 'asc' | 'desc' };
  limit?: number;
}

/** Documents by collection and id. */
export interface RecordStore {
  /** The record or null. */
  get<T = Record<string, unknown>>(collection: string, id: string): Promise<StoredRecord<T> | null>;
  /** Create a record; ConflictError when the id exists (so two writers cannot both create it). */
  create(collection: string, id: string, data: Record<string, unknown>): Promise<StoredRecord>;
  /** Create or replace a record. */
  set(collection: string, id: string, data: Record<string, unknown>): Promise<StoredRecord>;
  /**
   * Shallow-merge `patch` into a record; with `ifRevision`, fail with ConflictError unless the
   * stored revision still equals it. NotFoundError when missing.
   */
  update(collection: string, id: string, patch: Record<string, unknown>, opts?: { ifRevision?: number }): Promise<StoredRecord>;
  /** Records of a collection matching a query. Ordering fields are top-level fields. */
  list<T = Record<string, unknown>>(collection: string, query?: ListQuery): Promise<StoredRecord<T>[]>;
  /** Delete a record; missing is not an error. */
  delete(collection: string, id: string): Promise<void>;
  /** Release connections. */
  close(): Promise<void>;
}
