/**
 * Opening the embedded SQLite database (`node:sqlite`): WAL so that readers never block the
 * writer, a busy timeout so that two processes on the same file wait instead of failing, and
 * `BEGIN IMMEDIATE` transactions so that read-modify-write sequences are serialised.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DataError } from '../../shared/errors.ts';

/** How long a connection waits for another process's write lock before failing. */
export const BUSY_TIMEOUT_MS = 10_000;

/** Open (creating the folder and file if needed) a database tuned for the embedded store. */
export function openDatabase(file: string): DatabaseSync {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS });
  db.exec('PRAGMA journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only a power loss may drop the last commits.
  db.exec('PRAGMA synchronous = NORMAL');
  return db;
}

/** Run `fn` inside a write transaction (taken up front, so concurrent writers queue up). */
export function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = fn();
    db.exec('COMMIT');
    return out;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** A table name from config, checked so that it can be spliced into SQL. */
export function tableName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new DataError(`Invalid table name "${name}": use letters, digits and _`, { stage: 'storage', details: { name } });
  }
  return name;
}

/** A quoted SQL identifier (column names of the log store contain dots). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
