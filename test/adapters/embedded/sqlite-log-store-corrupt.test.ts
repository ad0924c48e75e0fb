/**
 * A damaged log table never stops a read: a row whose JSON does not parse, a page with one
 * garbage cell, and a document nested thousands of levels deep come back as documents (or as
 * `unreadable` ones naming why), and every other document of the page still reads.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { SqliteLogStore } from '../../../functions/src/adapters/embedded/sqlite-log-store.ts';
import { deepJsonText, jsonText } from '../../../functions/src/adapters/embedded/json-text.ts';
import type { RawLog } from '../../../functions/src/ports/log-store.ts';
import { definedOnly, validLog } from '../contracts/log-fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sqlite-corrupt-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
let n = 0;

/** A store with ten valid logs, and `damage` applied to its table by hand. */
async function damaged(damage: (db: DatabaseSync) => void): Promise<SqliteLogStore> {
  const file = path.join(dir, `t${n++}.sqlite`);
  const s = new SqliteLogStore(file);
  await s.append(Array.from({ length: 10 }, (_, i) => ({ id: `v${i}`, data: validLog(T0 + i, 60_000, i) })));
  await s.close();
  const db = new DatabaseSync(file);
  damage(db);
  db.close();
  return new SqliteLogStore(file);
}

async function readAll(s: SqliteLogStore, pageSize = 4): Promise<RawLog[]> {
  const docs: RawLog[] = [];
  for await (const page of s.pages({ start: new Date(T0), end: new Date(T0 + 1000), pageSize, includeUnplaced: true })) docs.push(...page);
  return docs;
}

describe('SqliteLogStore with damaged rows', () => {
  it('returns a row whose stored JSON does not parse as unreadable, and reads the rest', async () => {
    const s = await damaged((db) => db.prepare('INSERT INTO interaction_logs (_id, _ts, _dur, _raw) VALUES (?, ?, ?, ?)').run('bad', T0 + 5, 60_000, 'not json {'));
    const docs = await readAll(s);
    await s.close();
    assert.equal(docs.length, 11);
    const bad = docs.find((d) => d.id === 'bad')!;
    assert.equal(bad.data, undefined);
    assert.match(bad.unreadable!, /stored JSON does not parse/);
    assert.equal(docs.filter((d) => d.unreadable === undefined).length, 10);
  });

  for (const [what, sql] of [
    ['a row vector of the wrong size', "UPDATE interaction_logs SET _num = x'010203' WHERE _id = 'v5'"],
    ['a separator inside a string', `UPDATE interaction_logs SET _str = replace(_str, 'en-GB', 'en' || char(31) || 'GB') WHERE _id = 'v5'`],
    ['a number where the strings belong', "UPDATE interaction_logs SET _str = 7 WHERE _id = 'v5'"],
    ['a number where the row vector belongs', "UPDATE interaction_logs SET _num = 7 WHERE _id = 'v5'"],
  ] as const) {
    it(`reads a page with ${what} row by row and names the bad row`, async () => {
      const s = await damaged((db) => db.exec(sql));
      const docs = await readAll(s);
      await s.close();
      assert.deepEqual(docs.map((d) => d.id), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
      const others = docs.filter((d) => d.id !== 'v5');
      for (const d of others) assert.deepStrictEqual(definedOnly(d.data), validLog(T0 + Number(d.id.slice(1)), 60_000, Number(d.id.slice(1))), d.id);
      const v5 = docs.find((d) => d.id === 'v5')!;
      assert.ok(v5.unreadable !== undefined || (v5.data as { context: { locale: string } }).context.locale.includes('\u001f'), JSON.stringify(v5).slice(0, 200));
    });
  }

  it('stores and reads back a document nested 5,000 levels deep', async () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    const s = new SqliteLogStore(path.join(dir, 'deep.sqlite'));
    await s.append([{ id: 'deep', data: { ...validLog(T0), context: deep } }, { id: 'ok', data: validLog(T0 + 1) }]);
    const docs = await readAll(s);
    await s.close();
    assert.deepEqual(docs.map((d) => d.id), ['deep', 'ok']);
    let depth = 0;
    for (let o = (docs[0].data as { context: unknown }).context as { a?: unknown }; o && typeof o === 'object' && 'a' in o; o = o.a as { a?: unknown }) depth++;
    assert.equal(depth, 5000);
  });
});

describe('jsonText', () => {
  it('writes what JSON.stringify writes, at any depth', () => {
    const sample = { a: [1, -0, NaN, Infinity, undefined, () => 1, 'x"y', { b: null, c: undefined, d: new Date(0) }], e: true, 'k\n': 1e21 };
    assert.equal(deepJsonText(sample), JSON.stringify(sample));
    assert.equal(deepJsonText(undefined), undefined);
    let deep: unknown = [];
    for (let i = 0; i < 20_000; i++) deep = [deep];
    assert.equal(JSON.parse(jsonText(deep)!).length, 1);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => deepJsonText(cyclic), TypeError);
  });
});
