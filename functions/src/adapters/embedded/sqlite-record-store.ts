/**
 * The embedded record store: small JSON documents in one SQLite table `records` keyed by
 * (collection, id), next to the logs in the same database file. Every write bumps a revision
 * inside a `BEGIN IMMEDIATE` transaction, so that `create` and `update({ ifRevision })` stay
 * race-free across processes sharing the file. Listing filters and orders on top-level fields
 * with `json_extract`, comparing types as Firestore does (`1` never equals `true` or `"1"`).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ListQuery, RecordStore, StoredRecord } from '../../ports/record-store.ts';
import { ConflictError, DataError, NotFoundError } from '../../shared/errors.ts';
import { checkDocumentId } from '../log-fields.ts';
import { inTransaction, openDatabase } from './sqlite.ts';

const TABLE = 'records';

/** A RecordStore on a SQLite file. */
export class SqliteRecordStore implements RecordStore {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;
  #closed = false;

  /** Open (creating if needed) the records table of a database file. */
  constructor(file: string) {
    this.#db = openDatabase(file);
    this.#db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      collection TEXT NOT NULL,
      id TEXT NOT NULL,
      data TEXT NOT NULL,
      revision INTEGER NOT NULL,
      PRIMARY KEY (collection, id)
    ) WITHOUT ROWID`);
    this.#get = this.#db.prepare(`SELECT data, revision FROM ${TABLE} WHERE collection = ? AND id = ?`);
    this.#upsert = this.#db.prepare(`INSERT OR REPLACE INTO ${TABLE} (collection, id, data, revision) VALUES (?, ?, ?, ?)`);
    this.#delete = this.#db.prepare(`DELETE FROM ${TABLE} WHERE collection = ? AND id = ?`);
  }

  /** The record or null. */
  async get<T = Record<string, unknown>>(collection: string, id: string): Promise<StoredRecord<T> | null> {
    return this.#read(key(collection, id)) as StoredRecord<T> | null;
  }

  #read([collection, id]: [string, string]): StoredRecord | null {
    this.#checkOpen();
    const row = this.#get.get(collection, id) as { data: string; revision: number } | undefined;
    return row ? { id, data: JSON.parse(row.data), revision: row.revision } : null;
  }

  #write(collection: string, id: string, data: Record<string, unknown>, revision: number): StoredRecord {
    const json = toJson(collection, id, data);
    this.#upsert.run(collection, id, json, revision);
    return { id, data: JSON.parse(json), revision };
  }

  /** Create a record at revision 1; ConflictError when the id exists. */
  async create(collection: string, id: string, data: Record<string, unknown>): Promise<StoredRecord> {
    const k = key(collection, id);
    return inTransaction(this.#db, () => {
      if (this.#read(k)) {
        throw new ConflictError(`Record ${collection}/${id} already exists`, { stage: 'storage', details: { collection, id } });
      }
      return this.#write(collection, id, data, 1);
    });
  }

  /** Create or replace a record; the revision goes on from the replaced one. */
  async set(collection: string, id: string, data: Record<string, unknown>): Promise<StoredRecord> {
    const k = key(collection, id);
    return inTransaction(this.#db, () => this.#write(collection, id, data, (this.#read(k)?.revision ?? 0) + 1));
  }

  /** Shallow-merge a patch; with `ifRevision`, only if nobody wrote since that revision. */
  async update(collection: string, id: string, patch: Record<string, unknown>, opts: { ifRevision?: number } = {}): Promise<StoredRecord> {
    const k = key(collection, id);
    return inTransaction(this.#db, () => {
      const current = this.#read(k);
      if (!current) throw new NotFoundError(`Record ${collection}/${id} not found`, { stage: 'storage', details: { collection, id } });
      if (opts.ifRevision !== undefined && current.revision !== opts.ifRevision) {
        throw new ConflictError(`Record ${collection}/${id} is at revision ${current.revision}, expected ${opts.ifRevision}`, {
          stage: 'storage',
          details: { collection, id, expected: opts.ifRevision, actual: current.revision },
        });
      }
      return this.#write(collection, id, { ...current.data, ...patch }, current.revision + 1);
    });
  }

  /** Records matching equality filters, ordered by one top-level field, limited. */
  async list<T = Record<string, unknown>>(collection: string, query: ListQuery = {}): Promise<StoredRecord<T>[]> {
    this.#checkOpen();
    const where = ['collection = ?'];
    const params: (string | number)[] = [collection];
    for (const [field, value] of Object.entries(query.where ?? {})) {
      const p = fieldPath(field);
      if (typeof value === 'boolean') {
        where.push('json_type(data, ?) = ?');
        params.push(p, value ? 'true' : 'false');
      } else if (typeof value === 'number') {
        where.push(`json_type(data, ?) IN ('integer', 'real') AND json_extract(data, ?) = ?`);
        params.push(p, p, value);
      } else if (typeof value === 'string') {
        where.push(`json_type(data, ?) = 'text' AND json_extract(data, ?) = ?`);
        params.push(p, p, value);
      } else {
        throw new DataError(`Unsupported filter value for ${field}`, { stage: 'storage', details: { field } });
      }
    }
    let order = 'ORDER BY id';
    if (query.orderBy) {
      // As in Firestore, ordering by a field leaves out records that lack it.
      const p = fieldPath(query.orderBy.field);
      const dir = query.orderBy.direction === 'desc' ? 'DESC' : 'ASC';
      where.push('json_type(data, ?) IS NOT NULL');
      params.push(p);
      order = `ORDER BY json_extract(data, ?) ${dir}, id ${dir}`;
      params.push(p);
    }
    let limit = '';
    if (query.limit !== undefined) {
      if (!Number.isInteger(query.limit) || query.limit < 0) {
        throw new DataError(`Invalid limit ${query.limit}`, { stage: 'storage', details: { limit: query.limit } });
      }
      limit = 'LIMIT ?';
      params.push(query.limit);
    }
    const rows = this.#db.prepare(`SELECT id, data, revision FROM ${TABLE} WHERE ${where.join(' AND ')} ${order} ${limit}`).all(...params) as {
      id: string;
      data: string;
      revision: number;
    }[];
    return rows.map((r) => ({ id: r.id, data: JSON.parse(r.data) as T, revision: r.revision }));
  }

  /** Delete a record; missing is fine. */
  async delete(collection: string, id: string): Promise<void> {
    this.#checkOpen();
    this.#delete.run(...key(collection, id));
  }

  #checkOpen(): void {
    if (this.#closed) throw new DataError('The record store is closed', { stage: 'storage', code: 'CLOSED' });
  }

  /** Close the database connection (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

function key(collection: string, id: string): [string, string] {
  if (typeof collection !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(collection)) {
    throw new DataError(`Invalid collection name ${JSON.stringify(collection)}`, { stage: 'storage', details: { collection: String(collection) } });
  }
  return [collection, checkDocumentId(id)];
}

/** A JSON path for a top-level field (quoted, so any key is safe). */
function fieldPath(field: string): string {
  if (typeof field !== 'string' || field === '' || field.includes('.')) {
    throw new DataError(`Only top-level fields can be filtered or ordered on, got ${JSON.stringify(field)}`, { stage: 'storage', details: { field } });
  }
  return `$."${field.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function toJson(collection: string, id: string, data: Record<string, unknown>): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DataError(`Record ${collection}/${id} must be an object`, { stage: 'storage', details: { collection, id } });
  }
  return JSON.stringify(data);
}
