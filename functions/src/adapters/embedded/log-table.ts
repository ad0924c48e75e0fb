/**
 * The log table's definition, and keeping it in step with the log schema. The layout a table
 * was written with is saved next to it; when the schema's layout differs (a field added or
 * removed), every row is decoded with the old layout and re-encoded with the new one, so no
 * document changes on the way.
 */
import type { DatabaseSync } from 'node:sqlite';
import { DataError } from '../../shared/errors.ts';
import { NULL_MARK, decodeDocument, encodeDocument, type Encoded } from './log-codec.ts';
import { jsonText } from './json-text.ts';
import { CODEC_VERSION, laneViews, type LogLayout } from './log-layout.ts';
import { quoteIdent } from './sqlite.ts';

const META = '_log_layouts';

/** System columns, then one column per string leaf; all without type affinity (values keep their type). */
export function tableColumns(layout: LogLayout): string[] {
  return ['_id', '_ts', '_dur', '_raw', '_num', ...layout.stringColumns];
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

/** The cells of a row after the id, ts and duration: `_raw`, `_num`, then the string columns. */
export function rowCells(layout: LogLayout, encoded: Encoded | null, raw: string | null): (string | Uint8Array | null)[] {
  if (!encoded) return [raw, null, ...new Array<null>(layout.stringColumns.length).fill(null)];
  return [null, encoded.bytes, ...encoded.strings];
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
  if (layout.codec !== CODEC_VERSION) {
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
    const [id, ts, dur, raw, bytes, ...strings] = row as [string, number | null, number | null, string | null, Uint8Array | null, ...(string | null)[]];
    const doc = raw !== null ? JSON.parse(raw) : decodeDocument(from, laneViews(bytes!), strings.map((s) => [s ?? NULL_MARK]), 0);
    const encoded = encodeDocument(to, doc);
    insert.run(id, ts, dur, ...rowCells(to, encoded, encoded ? null : (raw ?? jsonText(doc) ?? 'null')));
  }
  db.exec(`DROP TABLE ${table}`);
  db.exec(`ALTER TABLE ${next} RENAME TO ${table}`);
  db.exec(createIndexSql(table));
}
