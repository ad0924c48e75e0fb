/**
 * The log port: where production sessions (the `interaction_logs` collection) are read from,
 * and where the simulator writes them. Documents are returned raw (`unknown`): validating them
 * is the collection stage's job, so that a bad log is counted, never crashes a read.
 */

/** One stored session document with its storage id. */
export interface RawLog {
  /** Document id in the store (Firestore doc id, SQLite row key). */
  id: string;
  /** The document as stored; shape checked by the collection stage. */
  data: unknown;
  /**
   * Set when the stored bytes could not be turned back into a document (a corrupt row): why.
   * `data` is then undefined; the collection stage counts the document as `unreadable`.
   */
  unreadable?: string;
}

/** A time window and filter for reading sessions. */
export interface LogQuery {
  /** Inclusive start of the window (session `timestamp`). */
  start: Date;
  /** Exclusive end of the window. */
  end: Date;
  /** Only sessions with `session_duration` ≥ this many milliseconds. */
  minSessionDurationMs?: number;
  /** Documents per page (cursor pagination); adapters pick a sensible default. */
  pageSize?: number;
  /** Stop after this many documents. */
  limit?: number;
  /**
   * Also return, before the window, the documents that belong to no window: those whose
   * `timestamp` the store cannot read. No window can claim them, so a collection that asks for
   * them counts them as invalid every time, until they are deleted. Not counted by `count`.
   */
  includeUnplaced?: boolean;
}

/** Reads sessions in a window, page by page, in ascending timestamp order. */
export interface LogSource {
  /** Stream pages of documents; memory stays bounded by one page. */
  pages(query: LogQuery): AsyncIterable<RawLog[]>;
  /** Count the documents a query would return (used by the data-volume trigger). */
  count(query: Omit<LogQuery, 'pageSize' | 'limit' | 'includeUnplaced'>): Promise<number>;
}

/** Appends sessions (used by the simulator and tests; production logs come from the web app). */
export interface LogSink {
  /** Append documents; a document whose id already exists is replaced (idempotent re-runs). */
  append(logs: RawLog[]): Promise<void>;
}

/** Both sides of the log port. */
export interface LogStore extends LogSource, LogSink {
  /** Release connections and file handles. */
  close(): Promise<void>;
}
