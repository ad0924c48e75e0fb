import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { encodeDocument } from '../../../functions/src/adapters/embedded/log-codec.ts';
import { layoutOf } from '../../../functions/src/adapters/embedded/log-layout.ts';
import { createIndexSql, createTableSql, saveLayout, storedLayout, tableColumns } from '../../../functions/src/adapters/embedded/log-table.ts';
import { SqliteLogStore } from '../../../functions/src/adapters/embedded/sqlite-log-store.ts';
import { InteractionLogSchema } from '../../../functions/src/data/log-schema.ts';
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

  it('migrates a table written with one column per string leaf (codec 3) to one text cell, without changing a document', async () => {
    const file = path.join(dir, 'codec3.sqlite');
    const ts = '2026-03-01T00:00:00.000Z';
    const docs = [
      { id: 'a', data: validLog(ts, 60_000, 0) },
      { id: 'b', data: validLog(Date.parse(ts) + 1, 60_000, 1) },
      { id: 'c', data: badLogs(ts)['number as string'] },
    ];
    const old = { ...layoutOf(InteractionLogSchema), codec: 3, fingerprint: 'codec-3' };
    const db = new DatabaseSync(file);
    assert.equal(storedLayout(db, 'interaction_logs'), null);
    db.exec(createTableSql('interaction_logs', old));
    db.exec(createIndexSql('interaction_logs'));
    const cols = tableColumns(old);
    assert.deepEqual(cols.slice(5), old.stringColumns);
    const insert = db.prepare(`INSERT INTO interaction_logs VALUES (${cols.map(() => '?').join(', ')})`);
    for (const { id, data } of docs) {
      const enc = encodeDocument(old, data);
      const { timestamp } = data as { timestamp: string | number };
      const ms = typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
      if (enc) insert.run(id, ms, 60_000, null, enc.bytes, ...enc.strings);
      else insert.run(id, ms, 60_000, JSON.stringify(data), null, ...old.stringColumns.map(() => null));
    }
    saveLayout(db, 'interaction_logs', old);
    db.close();

    const s = new SqliteLogStore(file);
    const read = [];
    for await (const page of s.pages({ start: new Date(ts), end: new Date(Date.parse(ts) + 10) })) read.push(...page);
    await s.close();
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    assert.deepStrictEqual(read.map((r) => ({ id: r.id, data: definedOnly(r.data) })).sort(byId), docs);
    const after = new DatabaseSync(file, { readOnly: true });
    const columns = after.prepare('SELECT name FROM pragma_table_info(?)').all('interaction_logs').map((r) => r.name);
    const strings = after.prepare("SELECT _str FROM interaction_logs WHERE _id = 'a'").get()?._str;
    after.close();
    assert.deepEqual(columns, ['_id', '_ts', '_dur', '_raw', '_num', '_str']);
    assert.equal(strings, ['s-0', 'u-0', ts, 'en-GB', 'v_20260101_000000'].join('\u001f'));
  });

  it('refuses to be used after close', async () => {
    const s = new SqliteLogStore(path.join(dir, 'closed.sqlite'));
    await s.close();
    await s.close();
    await assert.rejects(s.count({ start: new Date(0), end: new Date(1) }), /closed/);
  });
});
