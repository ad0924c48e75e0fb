/**
 * The cloud record store: one Firestore collection per record collection (`retraining_runs`,
 * `trigger_decisions`, `deployments`), the fields of a record at the top level of its document
 * plus a reserved `_revision` field. `create` uses Firestore's create-only write; `set` and
 * `update` run in a transaction that reads the revision first, so concurrent writers cannot
 * lose each other's updates. Timestamps come back as ISO strings, as from the embedded store.
 */
import { FieldPath, type DocumentSnapshot, type Firestore, type Query, type Transaction } from 'firebase-admin/firestore';
import type { ListQuery, RecordStore, StoredRecord } from '../../ports/record-store.ts';
import { ConflictError, DataError, NotFoundError } from '../../shared/errors.ts';
import { checkDocumentId } from '../log-fields.ts';
import { fromFirestoreValue, mapFirestoreError, toFirestoreValue } from './firestore-values.ts';

/** Field holding the revision in every record document. */
export const REVISION_FIELD = '_revision';

/** A RecordStore on Firestore. */
export class FirestoreRecordStore implements RecordStore {
  readonly #db: Firestore;

  /** Use the app's Firestore (the store does not own it). */
  constructor(db: Firestore) {
    this.#db = db;
  }

  #collection(collection: string) {
    if (typeof collection !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(collection)) {
      throw new DataError(`Invalid collection name ${JSON.stringify(collection)}`, { stage: 'storage', details: { collection: String(collection) } });
    }
    return this.#db.collection(collection);
  }

  #ref(collection: string, id: string) {
    return this.#collection(collection).doc(checkDocumentId(id));
  }

  /** The record or null. */
  async get<T = Record<string, unknown>>(collection: string, id: string): Promise<StoredRecord<T> | null> {
    const ref = this.#ref(collection, id);
    try {
      return fromSnapshot(await ref.get()) as StoredRecord<T> | null;
    } catch (err) {
      throw mapFirestoreError(err, `Reading ${ref.path}`);
    }
  }

  /** Create at revision 1 with a create-only write; ConflictError when the id exists. */
  async create(collection: string, id: string, data: Record<string, unknown>): Promise<StoredRecord> {
    const ref = this.#ref(collection, id);
    const stored = toStored(ref.path, data, 1);
    try {
      await ref.create(stored);
    } catch (err) {
      const mapped = mapFirestoreError(err, `Creating ${ref.path}`);
      if (mapped instanceof ConflictError) throw new ConflictError(`Record ${collection}/${id} already exists`, { stage: 'storage', details: { collection, id }, cause: err });
      throw mapped;
    }
    return { id, data: plain(stored), revision: 1 };
  }

  /** Create or replace; the revision goes on from the replaced record. */
  async set(collection: string, id: string, data: Record<string, unknown>): Promise<StoredRecord> {
    const ref = this.#ref(collection, id);
    return await this.#transact(ref.path, async (tx) => {
      const current = fromSnapshot(await tx.get(ref));
      const stored = toStored(ref.path, data, (current?.revision ?? 0) + 1);
      tx.set(ref, stored);
      return { id, data: plain(stored), revision: stored[REVISION_FIELD] as number };
    });
  }

  /** Shallow-merge a patch in a transaction; with `ifRevision`, only if the revision is unchanged. */
  async update(collection: string, id: string, patch: Record<string, unknown>, opts: { ifRevision?: number } = {}): Promise<StoredRecord> {
    const ref = this.#ref(collection, id);
    return await this.#transact(ref.path, async (tx) => {
      const current = fromSnapshot(await tx.get(ref));
      if (!current) throw new NotFoundError(`Record ${collection}/${id} not found`, { stage: 'storage', details: { collection, id } });
      if (opts.ifRevision !== undefined && current.revision !== opts.ifRevision) {
        throw new ConflictError(`Record ${collection}/${id} is at revision ${current.revision}, expected ${opts.ifRevision}`, {
          stage: 'storage',
          details: { collection, id, expected: opts.ifRevision, actual: current.revision },
        });
      }
      const stored = toStored(ref.path, { ...current.data, ...patch }, current.revision + 1);
      tx.set(ref, stored);
      return { id, data: plain(stored), revision: current.revision + 1 };
    });
  }

  async #transact<T>(what: string, fn: (tx: Transaction) => Promise<T>): Promise<T> {
    try {
      return await this.#db.runTransaction(fn);
    } catch (err) {
      if (err instanceof ConflictError || err instanceof NotFoundError || err instanceof DataError) throw err;
      throw mapFirestoreError(err, `Writing ${what}`);
    }
  }

  /** Equality filters, one order (records lacking the field are left out), a limit. */
  async list<T = Record<string, unknown>>(collection: string, query: ListQuery = {}): Promise<StoredRecord<T>[]> {
    let q: Query = this.#collection(collection);
    for (const [field, value] of Object.entries(query.where ?? {})) q = q.where(new FieldPath(topLevel(field)), '==', value);
    if (query.orderBy) q = q.orderBy(new FieldPath(topLevel(query.orderBy.field)), query.orderBy.direction ?? 'asc');
    if (query.limit !== undefined) q = q.limit(query.limit);
    try {
      return (await q.get()).docs.map((d) => fromSnapshot(d)!) as StoredRecord<T>[];
    } catch (err) {
      throw mapFirestoreError(err, `Listing ${collection}`);
    }
  }

  /** Delete; missing is fine. */
  async delete(collection: string, id: string): Promise<void> {
    const ref = this.#ref(collection, id);
    try {
      await ref.delete();
    } catch (err) {
      throw mapFirestoreError(err, `Deleting ${ref.path}`);
    }
  }

  /** Nothing to release: the Firestore instance belongs to the app. */
  async close(): Promise<void> {}
}

function topLevel(field: string): string {
  if (typeof field !== 'string' || field === '' || field.includes('.')) {
    throw new DataError(`Only top-level fields can be filtered or ordered on, got ${JSON.stringify(field)}`, { stage: 'storage', details: { field } });
  }
  return field;
}

function toStored(path: string, data: Record<string, unknown>, revision: number): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DataError(`Record ${path} must be an object`, { stage: 'storage', details: { path } });
  }
  return { ...(toFirestoreValue(data) as Record<string, unknown>), [REVISION_FIELD]: revision };
}

/** The record's fields without the revision, as plain JSON (timestamps as ISO strings). */
function plain(stored: Record<string, unknown>): Record<string, unknown> {
  const { [REVISION_FIELD]: _revision, ...data } = fromFirestoreValue(stored) as Record<string, unknown>;
  return data;
}

function fromSnapshot(snap: DocumentSnapshot): StoredRecord | null {
  if (!snap.exists) return null;
  const stored = snap.data()!;
  return { id: snap.id, data: plain(stored), revision: Number(stored[REVISION_FIELD] ?? 0) };
}
