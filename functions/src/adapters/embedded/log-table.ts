/**
 * The log table's definition, and keeping it in step with the log schema. The layout a table
 * was written with is saved next to it; when the schema's layout differs (a field added or
 * removed, or a table written by the previous row encoding), every row is decoded with the old
 * layout and re-encoded with the new one, so no document changes on the way.
 */
import type { DatabaseSync } from 'node:sqlite';
import { DataError } from '../../shared/errors.ts';
import { NULL_MARK, SEPARATOR, decodeDocument, encodeDocument, joinStrings, type Encoded } from './log-codec.ts';
import { jsonText } from './json-text.ts';
import { CODEC_VERSION, OLDEST_MIGRATED_CODEC, laneViews, type LogLayout } from './log-layout.ts';
import { quoteIdent } from './sqlite.ts';

const META = '_log_layouts';

/**
 * System columns, then the text cell of the string leaves (one column per string leaf before
 * codec 4); all without type affinity (values keep their type).
 */
export function tableColumns(layout: LogLayout): string[] {
  const system = ['_id', '_ts', '_dur', '_raw', '_num'];
  return layout.codec >= 4 ? [...system, '_str'] : [...system, ...layout.stringColumns];
}

/** DDL of a log table. */
export function createTableSql(table: string, layout: LogLayout): string {
  const [, ...rest] = tableColumns(layout).map(quoteIdent);
  return `CREATE TABLE ${table} (_id TEXT PRIMARY KEY NOT NULL, ${rest.join(', ')})`;
}

/** DDL of the window index: keyset pagination on (_ts, _id), duration filter read from the index. */
export function createIndexSql(table: string): string {
  return `CREATE INDEX ${table}_ts_id ON ${table} (_ts, _id, _dur)`;
}

/** The cells of a row after the id, ts and duration: `_raw`, `_num`, `_str`. */
export function rowCells(encoded: Encoded | null, raw: string | null): (string | Uint8Array | null)[] {
  if (!encoded) return [raw, null, null];
  return [null, encoded.bytes, joinStrings(encoded.strings)];
}

/**
 * The strings of a stored row (`NULL_MARK` for an absent one) from its cells after `_num`, or
 * why they cannot be read.
 */
export function rowStrings(layout: LogLayout, cells: readonly unknown[]): string[] | string {
  const k = layout.stringColumns.length;
  if (layout.codec < 4) {
    const bad = cells.findIndex((c) => c !== null && typeof c !== 'string');
    if (bad >= 0) return `column ${layout.stringColumns[bad]} holds a ${typeof cells[bad]}, not text`;
    return (cells as (string | null)[]).map((c) => c ?? NULL_MARK);
  }
  const [cell] = cells;
  if (k === 0) return [];
  if (typeof cell !== 'string') return `_str holds ${cell === null ? 'NULL' : `a ${typeof cell}`}, expected ${k} strings`;
  const strings = cell.split(SEPARATOR);
  return strings.length === k ? strings : `_str holds ${strings.length} strings, expected ${k}`;
}

/** The layout a table was written with, or null when the table does not exist yet. */
export function storedLayout(db: DatabaseSync, table: string): LogLayout | null {
  db.exec(`CREATE TABLE IF NOT EXISTS ${META} (tbl TEXT PRIMARY KEY NOT NULL, fingerprint TEXT NOT NULL, layout TEXT NOT NULL)`);
  const row = db.prepare(`SELECT layout FROM ${META} WHERE tbl = ?`).get(table) as { layout: string } | undefined;
  const exists = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`).get(table) !== undefined;
  if (exists && !row) {
    throw new DataError(`Table ${table} exists but was not written by the log store`, { stage: 'storage', details: { table } });
  }
  if (!exists || !row) return null;
  const layout = JSON.parse(row.layout) as LogLayout;
  if (!(layout.codec >= OLDEST_MIGRATED_CODEC && layout.codec <= CODEC_VERSION)) {
    throw new DataError(`Log table ${table} was written by an older version of the embedded store: delete the database file and simulate or import the logs again`, {
      stage: 'storage',
      code: 'INCOMPATIBLE_STORE',
      details: { table, codec: layout.codec ?? null, expected: CODEC_VERSION },
    });
  }
  return layout;
}

/** Record the layout a table is written with. */
export function saveLayout(db: DatabaseSync, table: string, layout: LogLayout): void {
  db.prepare(`INSERT OR REPLACE INTO ${META} (tbl, fingerprint, layout) VALUES (?, ?, ?)`).run(table, layout.fingerprint, JSON.stringify(layout));
}

/** Rewrite every row of `table` from layout `from` to layout `to` (call inside a transaction). */
export function migrateLayout(db: DatabaseSync, table: string, from: LogLayout, to: LogLayout): void {
  const next = `${table}__migrating`;
  db.exec(`DROP TABLE IF EXISTS ${next}`);
  db.exec(createTableSql(next, to));
  const cols = tableColumns(to).map(quoteIdent);
  const insert = db.prepare(`INSERT INTO ${next} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
  const select = db.prepare(`SELECT ${tableColumns(from).map(quoteIdent).join(', ')} FROM ${table}`);
  select.setReturnArrays(true);
  for (const row of select.iterate() as Iterable<unknown[]>) {
    const [id, ts, dur, raw, bytes, ...cells] = row as [string, number | null, number | null, string | null, Uint8Array | null, ...unknown[]];
    let doc: unknown;
    if (raw !== null) doc = JSON.parse(raw);
    else {
      const strings = rowStrings(from, cells);
      if (typeof strings === 'string') throw new DataError(`Log ${id} cannot be migrated: ${strings}`, { stage: 'storage', details: { table, id } });
      doc = decodeDocument(from, laneViews(bytes!), strings, 0);
    }
    const encoded = encodeDocument(to, doc);
    insert.run(id, ts, dur, ...rowCells(encoded, encoded ? null : (raw ?? jsonText(doc) ?? 'null')));
  }
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${next} RENAME TO ${table}`);
  db.exec(createIndexSql(table));
}
