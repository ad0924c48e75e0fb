import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { SqliteLogStore } from '../../../functions/src/adapters/embedded/sqlite-log-store.ts';
import { badLogs, definedOnly, validLog } from '../contracts/log-fixtures.ts';
import { runLogStoreContract } from '../contracts/log-store.contract.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sqlite-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runLogStoreContract('SqliteLogStore', async () => new SqliteLogStore(path.join(dir, `logs-${n++}.sqlite`)), { exactTimestamps: true, findsMissingTimestamp: true });

describe('SqliteLogStore', () => {
  it('stores valid logs by leaf and only misfits as JSON', async () => {
    const file = path.join(dir, 'layout.sqlite');
    const s = new SqliteLogStore(file);
    const ts = '2026-03-01T00:00:00.000Z';
    const bad = badLogs(ts);
    await s.append([
      { id: 'v1', data: validLog(ts, 60_000, 0) },
      { id: 'v2', data: validLog(Date.parse(ts), 60_000, 1) },
      { id: 'enum', data: bad['enum out of range'] },
      { id: 'range', data: bad['value out of range'] },
      { id: 'extra', data: bad['extra top-level key'] },
      { id: 'type', data: bad['number as string'] },
    ]);
    await s.close();
    const db = new DatabaseSync(file, { readOnly: true });
    const raw = db.prepare('SELECT _id FROM interaction_logs WHERE _raw IS NOT NULL ORDER BY _id').all().map((r) => r._id);
    db.close();
    // Values out of range still fit the layout; an enum value the schema does not list does not.
    assert.deepEqual(raw, ['enum', 'extra', 'type']);
  });

  it('shares one file with another table name and survives reopening', async () => {
    const file = path.join(dir, 'shared.sqlite');
    const a = new SqliteLogStore(file, { table: 'logs_a' });
    await a.append([{ id: 'x', data: { timestamp: 5, session_duration: 1 } }]);
    await a.close();
    const again = new SqliteLogStore(file, { table: 'logs_a' });
    const other = new SqliteLogStore(file, { table: 'logs_b' });
    assert.equal(await again.count({ start: new Date(0), end: new Date(10) }), 1);
    assert.equal(await other.count({ start: new Date(0), end: new Date(10) }), 0);
    await Promise.all([again.close(), other.close()]);
  });

  it('migrates stored rows when the schema gains and loses fields, without changing a document', async () => {
    const file = path.join(dir, 'migrate.sqlite');
    const v1 = z.object({ timestamp: z.number(), a: z.number(), gone: z.string().optional(), flag: z.boolean() });
    const v2 = z.object({ timestamp: z.number(), a: z.number(), flag: z.boolean(), added: z.string().optional() });
    const docs = [
      { id: 'plain', data: { timestamp: 1, a: 1, flag: true } },
      { id: 'with-gone', data: { timestamp: 2, a: 2, gone: 'bye', flag: false } },
      { id: 'bad', data: { timestamp: 3, a: 'x', flag: true } },
    ];
    const s1 = new SqliteLogStore(file, { schema: v1 });
    await s1.append(docs);
    await s1.close();
    const s2 = new SqliteLogStore(file, { schema: v2 });
    const read = [];
    for await (const page of s2.pages({ start: new Date(0), end: new Date(10) })) read.push(...page);
    assert.deepStrictEqual(read.map((r) => ({ ...r, data: definedOnly(r.data) })), docs);
    await s2.close();
  });

  it('refuses to be used after close', async () => {
    const s = new SqliteLogStore(path.join(dir, 'closed.sqlite'));
    await s.close();
    await s.close();
    await assert.rejects(s.count({ start: new Date(0), end: new Date(1) }), /closed/);
  });
});
