/**
 * The cloud log store: sessions in the Firestore collection `interaction_logs`. `timestamp` is
 * stored as a Firestore Timestamp (so that windows are range queries) and read back as an ISO
 * string; a timestamp that is neither an ISO string nor epoch ms is stored as written and so
 * belongs to no window, as in the embedded store. The window query needs the composite index
 * (timestamp, session_duration) declared in firestore.indexes.json.
 */
import { FieldPath, Timestamp, type CollectionReference, type Firestore, type Query, type QueryDocumentSnapshot } from 'firebase-admin/firestore';
import type { LogQuery, LogStore, RawLog } from '../../ports/log-store.ts';
import { DataError } from '../../shared/errors.ts';
import { checkDocumentId, timestampMillis, windowQuery, type WindowQuery } from '../log-fields.ts';
import { fromFirestoreValue, mapFirestoreError, toFirestoreValue } from './firestore-values.ts';

/** Firestore's limit of writes per batch. */
export const MAX_BATCH_WRITES = 500;

/** A LogStore on a Firestore collection. */
export class FirestoreLogStore implements LogStore {
  readonly #db: Firestore;
  readonly #collection: CollectionReference;

  /** Use `collection` of `db` (the app's Firestore; the store does not own it). */
  constructor(db: Firestore, collection: string) {
    this.#db = db;
    this.#collection = db.collection(collection);
  }

  /** Write documents in batches of ≤ 500; an existing id is replaced. */
  async append(logs: RawLog[]): Promise<void> {
    const docs = logs.map((log) => ({ ref: this.#collection.doc(checkDocumentId(log?.id)), data: toStored(log) }));
    for (let i = 0; i < docs.length; i += MAX_BATCH_WRITES) {
      const batch = this.#db.batch();
      for (const { ref, data } of docs.slice(i, i + MAX_BATCH_WRITES)) batch.set(ref, data);
      try {
        await batch.commit();
      } catch (err) {
        throw mapFirestoreError(err, `Appending logs to ${this.#collection.path}`);
      }
    }
  }

  #query(q: WindowQuery): Query {
    let query: Query = this.#collection
      .where('timestamp', '>=', Timestamp.fromMillis(q.startMs))
      .where('timestamp', '<', Timestamp.fromMillis(q.endMs));
    if (q.minSessionDurationMs !== null) query = query.where('session_duration', '>=', q.minSessionDurationMs);
    return query;
  }

  /**
   * Pages of the window in (timestamp, session_duration, id) order, cursor after the last
   * document. With `includeUnplaced`, first the documents whose `timestamp` is a string it could
   * not read (Firestore cannot query a field's absence: a document without `timestamp` is found
   * by no query; the security rules refuse such documents from clients).
   */
  async *pages(query: LogQuery): AsyncIterable<RawLog[]> {
    const q = windowQuery(query);
    const parts: Query[] = [];
    if (query.includeUnplaced) parts.push(this.#collection.where('timestamp', '>=', '').orderBy('timestamp').orderBy(FieldPath.documentId()));
    if (q.endMs > q.startMs) {
      let ordered = this.#query(q).orderBy('timestamp');
      if (q.minSessionDurationMs !== null) ordered = ordered.orderBy('session_duration');
      parts.push(ordered.orderBy(FieldPath.documentId()));
    }
    let remaining = q.limit;
    for (const ordered of parts) {
      let last: QueryDocumentSnapshot | null = null;
      while (remaining > 0) {
        const size = Math.min(q.pageSize, remaining);
        let snap;
        try {
          snap = await (last ? ordered.startAfter(last) : ordered).limit(size).get();
        } catch (err) {
          throw mapFirestoreError(err, `Reading logs from ${this.#collection.path}`);
        }
        if (snap.empty) break;
        remaining -= snap.size;
        last = snap.docs[snap.size - 1];
        yield snap.docs.map((d) => readDoc(d));
        if (snap.size < size) break;
      }
    }
  }

  /** Count with an aggregate query (no documents are read). */
  async count(query: Omit<LogQuery, 'pageSize' | 'limit' | 'includeUnplaced'>): Promise<number> {
    const q = windowQuery(query);
    if (q.endMs <= q.startMs) return 0;
    try {
      return (await this.#query(q).count().get()).data().count;
    } catch (err) {
      throw mapFirestoreError(err, `Counting logs in ${this.#collection.path}`);
    }
  }

  /** Nothing to release: the Firestore instance belongs to the app. */
  async close(): Promise<void> {}
}

/** A stored document, or an unreadable one when its fields cannot be converted. */
function readDoc(d: QueryDocumentSnapshot): RawLog {
  try {
    return { id: d.id, data: fromFirestoreValue(d.data()) };
  } catch (err) {
    return { id: d.id, data: undefined, unreadable: `stored fields do not convert: ${(err as Error).message}` };
  }
}

/** The document as Firestore stores it: a map, with `timestamp` as a Timestamp when it names an instant. */
function toStored(log: RawLog): Record<string, unknown> {
  const data = log.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DataError(`Log ${log.id}: a Firestore document must be an object`, { stage: 'storage', details: { id: log.id } });
  }
  let stored: Record<string, unknown>;
  try {
    stored = toFirestoreValue(data) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    // Firestore refuses maps nested deeper than 20 levels anyway.
    throw new DataError(`Log ${log.id}: nested too deep for a Firestore document`, { stage: 'storage', details: { id: log.id }, cause: err });
  }
  const ms = timestampMillis(stored.timestamp);
  if (ms !== null) stored.timestamp = Timestamp.fromMillis(ms);
  return stored;
}
