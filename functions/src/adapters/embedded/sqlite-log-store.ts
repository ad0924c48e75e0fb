/**
 * The embedded log store: session documents in one SQLite table, stored by leaf (see
 * log-layout.ts) so that reading a million sessions is a matter of copying numbers and strings
 * into objects, with no JSON parsing. Documents that do not fit the layout are kept verbatim as
 * JSON in `_raw`.
 *
 * Columns: `_id` (document id, unique), `_ts` (epoch ms of `timestamp`, null when it has no place
 * in time), `_dur` (`session_duration` when numeric), `_raw` (JSON of a verbatim document), `_num`
 * (binary row vector of numbers, booleans and enums), `_str` (the string leaves, joined). Reads
 * are keyset-paginated on the index (_ts, _id); each page comes back as ONE row whose cells
 * concatenate the page's ids, vectors and strings (`group_concat`), because node:sqlite's cost is
 * per cell returned, not per byte (and SQLite's, per column concatenated).
 *
 * A document reads back as the JSON document that was written: `timestamp` keeps the type it was
 * written with (ISO string or epoch ms; the schema accepts both). A document stored by leaf comes
 * back with every key of its schema, an absent optional one as `undefined` (an absent key in
 * JSON), so that all documents share one hidden class per object (log-decoder.ts).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { z } from 'zod';
import { InteractionLogSchema } from '../../data/log-schema.ts';
import type { LogQuery, LogStore, RawLog } from '../../ports/log-store.ts';
import { DataError } from '../../shared/errors.ts';
import { checkDocumentId, sessionDurationOf, timestampMillis, timestampOf, windowQuery, type WindowQuery } from '../log-fields.ts';
import { SEPARATOR, encodeDocument } from './log-codec.ts';
import { jsonText } from './json-text.ts';
import { compileDecoder, type Decoder } from './log-decoder.ts';
import { laneViews, layoutOf, type LogLayout } from './log-layout.ts';
import { createIndexSql, createTableSql, migrateLayout, rowCells, rowStrings, saveLayout, storedLayout, tableColumns } from './log-table.ts';
import { inTransaction, openDatabase, quoteIdent, tableName } from './sqlite.ts';

/** Options of the embedded log store. */
export interface SqliteLogStoreOptions {
  /** Table name (the `interaction_logs` collection). */
  table?: string;
  /** Schema whose leaves become columns (tests use small ones). */
  schema?: z.core.$ZodType;
}

/** A LogStore on a SQLite file, columnar for speed. */
export class SqliteLogStore implements LogStore {
  readonly #db: DatabaseSync;
  readonly #table: string;
  readonly #layout: LogLayout;
  readonly #decode: Decoder;
  readonly #insert: StatementSync;
  readonly #statements = new Map<string, StatementSync>();
  #closed = false;

  /** Open (creating or migrating the table if needed) the log table of a database file. */
  constructor(file: string, opts: SqliteLogStoreOptions = {}) {
    this.#db = openDatabase(file);
    this.#table = tableName(opts.table ?? 'interaction_logs');
    this.#layout = layoutOf(opts.schema ?? InteractionLogSchema);
    this.#decode = compileDecoder(this.#layout);
    inTransaction(this.#db, () => this.#ensureTable());
    const cols = tableColumns(this.#layout).map(quoteIdent);
    this.#insert = this.#db.prepare(
      `INSERT OR REPLACE INTO ${this.#table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    );
  }

  #ensureTable(): void {
    const stored = storedLayout(this.#db, this.#table);
    if (stored?.fingerprint === this.#layout.fingerprint) return;
    if (stored) {
      migrateLayout(this.#db, this.#table, stored, this.#layout);
    } else {
      this.#db.exec(createTableSql(this.#table, this.#layout));
      this.#db.exec(createIndexSql(this.#table));
    }
    saveLayout(this.#db, this.#table, this.#layout);
  }

  /** Append documents in one transaction; a document whose id exists is replaced. */
  async append(logs: RawLog[]): Promise<void> {
    this.#checkOpen();
    inTransaction(this.#db, () => {
      for (const log of logs) this.#insert.run(...this.#row(log));
    });
  }

  #row(log: RawLog): (string | number | Uint8Array | null)[] {
    const id = checkDocumentId(log?.id);
    const encoded = encodeDocument(this.#layout, log.data);
    let raw: string | null = null;
    if (!encoded) {
      try {
        raw = jsonText(log.data) ?? null;
      } catch (err) {
        throw new DataError(`Log ${id}: data is not JSON-serialisable (${(err as Error).message})`, { stage: 'storage', details: { id }, cause: err });
      }
      if (raw === null) throw new DataError(`Log ${id}: data is not JSON-serialisable`, { stage: 'storage', details: { id } });
    }
    return [id, timestampMillis(timestampOf(log.data)), sessionDurationOf(log.data), ...rowCells(encoded, raw)];
  }

  /**
   * Pages of the window in (timestamp, id) order; each page is one keyset query. With
   * `includeUnplaced`, the documents without a readable timestamp come first, in id order.
   */
  async *pages(query: LogQuery): AsyncIterable<RawLog[]> {
    this.#checkOpen();
    const q = windowQuery(query);
    let remaining = q.limit;
    for (const part of query.includeUnplaced ? (['unplaced', 'window'] as const) : (['window'] as const)) {
      let cursor: [number | null, string] | null = null;
      while (remaining > 0) {
        const size = Math.min(q.pageSize, remaining);
        const page = this.#page(part, q, cursor, size);
        if (page.docs.length === 0) break;
        remaining -= page.docs.length;
        cursor = page.last;
        yield page.docs;
        this.#checkOpen();
        if (page.docs.length < size) break;
      }
    }
  }

  /** The statement and parameters of one page (`rows`: one row per document instead of one per page). */
  #pageQuery(part: Part, q: WindowQuery, cursor: [number | null, string] | null, size: number, rows: boolean): { stmt: StatementSync; params: (number | string)[] } {
    const key = `${rows ? 'rows' : 'page'}:${part}:${cursor ? 1 : 0}:${q.minSessionDurationMs === null ? 0 : 1}`;
    const where = whereSql(part, q, cursor !== null);
    const stmt = this.#statement(key, () => (rows ? rowsSql : pageSql)(this.#table, this.#layout, where));
    const params: (number | string)[] = [];
    if (part === 'unplaced') {
      if (cursor) params.push(cursor[1]);
    } else {
      params.push(...(cursor ? [cursor[0]!, cursor[1], q.endMs] : [q.startMs, q.endMs]));
      if (q.minSessionDurationMs !== null) params.push(q.minSessionDurationMs);
    }
    params.push(size);
    return { stmt, params };
  }

  #page(part: Part, q: WindowQuery, cursor: [number | null, string] | null, size: number): { docs: RawLog[]; last: [number | null, string] } {
    const { stmt, params } = this.#pageQuery(part, q, cursor, size, false);
    const [row] = stmt.all(...params) as unknown as unknown[][];
    const count = row[0] as number;
    if (count === 0) return { docs: [], last: cursor! };
    const ids = String(row[2]).split(SEPARATOR);
    const raws = String(row[3]).split(SEPARATOR);
    const bytes = row[4];
    const k = this.#layout.stringColumns.length;
    const strings = k ? String(row[5]).split(SEPARATOR) : [];
    const wellFormed =
      ids.length === count &&
      raws.length === count &&
      bytes instanceof Uint8Array &&
      bytes.byteLength === count * this.#layout.rowBytes &&
      strings.length === count * k;
    // A garbage cell (a separator inside a string, a vector of the wrong size) shifts the page's
    // concatenation: read that page row by row instead, and name the rows that are bad.
    if (!wellFormed) return this.#pageByRows(part, q, cursor, size);
    const views = laneViews(bytes);
    const docs = new Array<RawLog>(count);
    for (let i = 0; i < count; i++) {
      const raw = raws[i];
      docs[i] = raw === '' ? this.#decodeRow(ids[i], () => this.#decode(views, strings, i)) : parseRaw(ids[i], raw);
    }
    return { docs, last: [row[1] as number | null, ids[count - 1]] };
  }

  /** The slow path of a malformed page: one row per document, each checked on its own. */
  #pageByRows(part: Part, q: WindowQuery, cursor: [number | null, string] | null, size: number): { docs: RawLog[]; last: [number | null, string] } {
    const { stmt, params } = this.#pageQuery(part, q, cursor, size, true);
    const rows = stmt.all(...params) as unknown as unknown[][];
    const docs = rows.map((r) => this.#decodeStoredRow(r));
    const lastRow = rows[rows.length - 1];
    return { docs, last: lastRow ? [lastRow[1] as number | null, String(lastRow[0])] : cursor! };
  }

  /** One stored row (`_id, _ts, _raw, _num, _str`) back to a document, or an unreadable one. */
  #decodeStoredRow(row: unknown[]): RawLog {
    const [id, , raw, bytes, ...cells] = row;
    const docId = String(id);
    if (typeof raw === 'string') return parseRaw(docId, raw);
    if (raw !== null) return { id: docId, data: undefined, unreadable: `_raw holds a ${typeof raw}, not JSON text` };
    if (!(bytes instanceof Uint8Array) || bytes.byteLength !== this.#layout.rowBytes) {
      const got = bytes instanceof Uint8Array ? `${bytes.byteLength} bytes` : typeof bytes;
      return { id: docId, data: undefined, unreadable: `_num holds ${got}, expected ${this.#layout.rowBytes} bytes` };
    }
    const strings = rowStrings(this.#layout, cells);
    if (typeof strings === 'string') return { id: docId, data: undefined, unreadable: strings };
    return this.#decodeRow(docId, () => this.#decode(laneViews(bytes), strings, 0));
  }

  #decodeRow(id: string, decode: () => Record<string, unknown>): RawLog {
    try {
      return { id, data: decode() };
    } catch (err) {
      return { id, data: undefined, unreadable: `stored cells do not decode: ${(err as Error).message}` };
    }
  }

  /** Count the documents of a window with one aggregate query. */
  async count(query: Omit<LogQuery, 'pageSize' | 'limit' | 'includeUnplaced'>): Promise<number> {
    this.#checkOpen();
    const q = windowQuery(query);
    const key = `count:${q.minSessionDurationMs === null ? 0 : 1}`;
    const stmt = this.#statement(key, () => `SELECT count(*) FROM ${this.#table} WHERE ${whereSql('window', q, false)}`);
    const params = q.minSessionDurationMs === null ? [q.startMs, q.endMs] : [q.startMs, q.endMs, q.minSessionDurationMs];
    const [row] = stmt.all(...params) as unknown as number[][];
    return row[0];
  }

  #statement(key: string, sql: () => string): StatementSync {
    let stmt = this.#statements.get(key);
    if (!stmt) {
      stmt = this.#db.prepare(sql());
      stmt.setReturnArrays(true);
      this.#statements.set(key, stmt);
    }
    return stmt;
  }

  #checkOpen(): void {
    if (this.#closed) throw new DataError('The log store is closed', { stage: 'storage', code: 'CLOSED' });
  }

  /** Close the database connection (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}

/** Which documents a page reads: the window's, or those without a readable timestamp. */
type Part = 'window' | 'unplaced';

/** A stored `_raw` back to a document; text that is not JSON makes an unreadable document. */
function parseRaw(id: string, raw: string): RawLog {
  try {
    return { id, data: JSON.parse(raw) };
  } catch (err) {
    return { id, data: undefined, unreadable: `stored JSON does not parse: ${(err as Error).message.slice(0, 200)}` };
  }
}

/**
 * The page condition. Window: after a cursor the row-value bound (≥ start by construction) seeks
 * the index. Unplaced: `_ts IS NULL`, in id order.
 */
function whereSql(part: Part, q: WindowQuery, afterCursor: boolean): string {
  if (part === 'unplaced') return afterCursor ? '_ts IS NULL AND _id > ?' : '_ts IS NULL';
  const parts = afterCursor ? ['(_ts, _id) > (?, ?)', '_ts < ?'] : ['_ts >= ?', '_ts < ?'];
  if (q.minSessionDurationMs !== null) parts.push('_dur >= ?');
  return parts.join(' AND ');
}

/** One page, one row per document (the slow path of a malformed page). */
function rowsSql(table: string, layout: LogLayout, where: string): string {
  const cols = tableColumns(layout).filter((c) => c !== '_dur').map(quoteIdent).join(', ');
  return `SELECT ${cols} FROM ${table} WHERE ${where} ORDER BY _ts, _id LIMIT ?`;
}

/**
 * One page as one row: count, last timestamp, then ids, raw JSON ('' for encoded rows), slot
 * vectors and text cells (absent strings for a verbatim row, so that every row has as many),
 * each concatenated in (_ts, _id) order.
 */
function pageSql(table: string, layout: LogLayout, where: string): string {
  const order = 'ORDER BY _ts, _id';
  // The aggregates read the ordered subquery as a co-routine, row by row, in its order.
  const cat = (expr: string, sep = 'char(31)') => `group_concat(${expr}, ${sep})`;
  const absent = layout.stringColumns.map(() => 'char(30)').join(' || char(31) || ');
  const strings = layout.stringColumns.length ? `, ${cat(`ifnull(_str, ${absent})`)}` : '';
  const inner = tableColumns(layout).filter((c) => c !== '_dur').map(quoteIdent).join(', ');
  const slots = `CAST(${cat(`ifnull(_num, zeroblob(${layout.rowBytes}))`, "''")} AS BLOB)`;
  return `SELECT count(*), max(_ts), ${cat('_id')}, ${cat("ifnull(_raw, '')")}, ${slots}${strings}
    FROM (SELECT ${inner} FROM ${table} WHERE ${where} ${order} LIMIT ?)`;
}
