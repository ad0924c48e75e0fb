import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteRecordStore } from '../../../functions/src/adapters/embedded/sqlite-record-store.ts';
import { ConflictError, DataError } from '../../../functions/src/shared/errors.ts';
import { runRecordStoreContract } from '../contracts/record-store.contract.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sqlite-records-'));
after(() => rmSync(dir, { recursive: true, force: true }));

runRecordStoreContract('SqliteRecordStore', async () => new SqliteRecordStore(path.join(dir, 'records.sqlite')));

describe('SqliteRecordStore', () => {
  it('keeps revisions consistent between two connections to the same file', async () => {
    const file = path.join(dir, 'two.sqlite');
    const a = new SqliteRecordStore(file);
    const b = new SqliteRecordStore(file);
    await a.create('runs', 'r', { n: 0 });
    await b.update('runs', 'r', { n: 1 }, { ifRevision: 1 });
    await assert.rejects(a.update('runs', 'r', { n: 2 }, { ifRevision: 1 }), ConflictError);
    await assert.rejects(b.create('runs', 'r', {}), ConflictError);
    assert.deepEqual(await a.get('runs', 'r'), { id: 'r', data: { n: 1 }, revision: 2 });
    await Promise.all([a.close(), b.close()]);
  });

  it('rejects nested field paths and malformed names', async () => {
    const s = new SqliteRecordStore(path.join(dir, 'names.sqlite'));
    await assert.rejects(s.list('runs', { orderBy: { field: 'a.b' } }), DataError);
    await assert.rejects(s.get('bad/name', 'x'), DataError);
    await assert.rejects(s.get('runs', 'a/b'), DataError);
    await s.close();
  });
});
