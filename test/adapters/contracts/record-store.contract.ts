/**
 * The behaviour every RecordStore must show: run by one small test file per adapter. Each test
 * uses its own collection, so one store serves the whole suite.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RecordStore } from '../../../functions/src/ports/record-store.ts';
import { ConflictError, NotFoundError } from '../../../functions/src/shared/errors.ts';

/** Run the record-store contract against a store from `factory`. */
export function runRecordStoreContract(name: string, factory: () => Promise<RecordStore>): void {
  describe(`RecordStore contract: ${name}`, () => {
    let store: RecordStore;
    before(async () => {
      store = await factory();
    });
    after(async () => {
      await store?.close();
    });
    const col = () => `contract_${randomUUID().slice(0, 8)}`;

    it('creates at revision 1 and refuses to create the same id twice', async () => {
      const c = col();
      const rec = await store.create(c, 'r1', { status: 'started', n: 1, nested: { a: [1, 'x'] } });
      assert.deepEqual(rec, { id: 'r1', data: { status: 'started', n: 1, nested: { a: [1, 'x'] } }, revision: 1 });
      assert.deepEqual(await store.get(c, 'r1'), rec);
      await assert.rejects(store.create(c, 'r1', { status: 'other' }), ConflictError);
      assert.equal((await store.get(c, 'r1'))?.data.status, 'started');
      assert.equal(await store.get(c, 'missing'), null);
      assert.equal(await store.get(col(), 'r1'), null, 'collections are separate');
    });

    it('lets exactly one of concurrent creates win', async () => {
      const c = col();
      const results = await Promise.allSettled([1, 2, 3].map((i) => store.create(c, 'same', { i })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError);
    });

    it('sets (create or replace) with increasing revisions', async () => {
      const c = col();
      assert.equal((await store.set(c, 'x', { a: 1 })).revision, 1);
      const second = await store.set(c, 'x', { b: 2 });
      assert.deepEqual(second, { id: 'x', data: { b: 2 }, revision: 2 });
    });

    it('merges updates, guards them with ifRevision, and fails on missing records', async () => {
      const c = col();
      await store.create(c, 'u', { a: 1, b: 1 });
      const r2 = await store.update(c, 'u', { b: 2, c: 3 }, { ifRevision: 1 });
      assert.deepEqual(r2, { id: 'u', data: { a: 1, b: 2, c: 3 }, revision: 2 });
      await assert.rejects(store.update(c, 'u', { a: 9 }, { ifRevision: 1 }), ConflictError);
      assert.equal((await store.get(c, 'u'))?.data.a, 1);
      assert.equal((await store.update(c, 'u', { a: 4 })).revision, 3);
      await assert.rejects(store.update(c, 'nope', { a: 1 }), NotFoundError);
    });

    it('lets exactly one of concurrent guarded updates from the same revision win', async () => {
      const c = col();
      await store.create(c, 'g', { v: 0 });
      const results = await Promise.allSettled([1, 2, 3].map((v) => store.update(c, 'g', { v }, { ifRevision: 1 })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal((await store.get(c, 'g'))?.revision, 2);
    });

    it('lists with type-aware equality filters, one order and a limit', async () => {
      const c = col();
      await store.create(c, 'a', { kind: 'run', n: 3, ok: true, at: '2026-01-03' });
      await store.create(c, 'b', { kind: 'run', n: 1, ok: false, at: '2026-01-01' });
      await store.create(c, 'c', { kind: 'run', n: 2, ok: true, at: '2026-01-02' });
      await store.create(c, 'd', { kind: 'other', n: '1', ok: 1 });
      await store.create(c, 'e', { kind: 'run', ok: true });
      const ids = async (q: Parameters<RecordStore['list']>[1]) => (await store.list(c, q)).map((r) => r.id);
      assert.deepEqual((await ids({})).sort(), ['a', 'b', 'c', 'd', 'e']);
      assert.deepEqual((await ids({ where: { kind: 'run', ok: true } })).sort(), ['a', 'c', 'e']);
      assert.deepEqual(await ids({ where: { n: 1 } }), ['b']);
      assert.deepEqual(await ids({ where: { ok: 1 } }), ['d']);
      assert.deepEqual(await ids({ where: { kind: 'run' }, orderBy: { field: 'n' } }), ['b', 'c', 'a']);
      assert.deepEqual(await ids({ where: { kind: 'run' }, orderBy: { field: 'at', direction: 'desc' }, limit: 2 }), ['a', 'c']);
      assert.deepEqual(await ids({ where: { kind: 'nothing' } }), []);
      const [first] = await store.list(c, { where: { kind: 'run' }, orderBy: { field: 'n' }, limit: 1 });
      assert.deepEqual(first, { id: 'b', data: { kind: 'run', n: 1, ok: false, at: '2026-01-01' }, revision: 1 });
    });

    it('deletes records; deleting a missing one is fine', async () => {
      const c = col();
      await store.create(c, 'z', { a: 1 });
      await store.delete(c, 'z');
      assert.equal(await store.get(c, 'z'), null);
      await store.delete(c, 'z');
      assert.equal((await store.create(c, 'z', { a: 2 })).revision, 1);
    });
  });
}
