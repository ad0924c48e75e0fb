/**
 * The behaviour every ArtifactStore must show: run by one small test file per adapter. Each test
 * works under its own random prefix, so one bucket serves the whole suite.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import type { ArtifactStore } from '../../../functions/src/ports/artifact-store.ts';
import { ConflictError, DataError, NotFoundError } from '../../../functions/src/shared/errors.ts';

async function* chunks(count: number, size: number, gate?: Promise<void>): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    if (i === 1 && gate) await gate;
    yield new Uint8Array(size).fill(i % 251);
  }
}

/** Run the artefact-store contract against a store from `factory`. */
export function runArtifactStoreContract(name: string, factory: () => Promise<ArtifactStore>): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    let store: ArtifactStore;
    let p: string;
    before(async () => {
      store = await factory();
    });
    const fresh = () => (p = `contract-${randomUUID().slice(0, 8)}`);
    after(async () => {
      // best effort: leave the bucket as found
      for (const o of await store.list('contract-')) await store.delete(o.path);
    });

    it('writes, stats and reads text and bytes', async () => {
      fresh();
      const info = await store.put(`${p}/a.txt`, 'héllo');
      assert.equal(info.path, `${p}/a.txt`);
      assert.equal(info.size, Buffer.byteLength('héllo'));
      assert.ok(info.generation && info.generation !== '0');
      assert.ok(info.updated instanceof Date);
      assert.equal((await store.get(`${p}/a.txt`)).toString('utf8'), 'héllo');
      await store.put(`${p}/b.bin`, new Uint8Array([0, 255, 7]), { contentType: 'application/octet-stream' });
      assert.deepEqual([...(await store.get(`${p}/b.bin`))], [0, 255, 7]);
      assert.deepEqual(await store.stat(`${p}/a.txt`), info);
      assert.equal(await store.exists(`${p}/a.txt`), true);
      assert.equal(await store.exists(`${p}/missing`), false);
      assert.equal(await store.stat(`${p}/missing`), null);
      assert.equal(await store.exists(p), false, 'a prefix is not an object');
    });

    it('fails to read a missing object with NotFoundError', async () => {
      fresh();
      await assert.rejects(store.get(`${p}/nope`), NotFoundError);
      await assert.rejects(store.getStream(`${p}/nope`), NotFoundError);
    });

    it('writes once with ifGenerationMatch "0", leaving the first content in place', async () => {
      fresh();
      await store.put(`${p}/once`, 'first', { ifGenerationMatch: '0' });
      await assert.rejects(store.put(`${p}/once`, 'second', { ifGenerationMatch: '0' }), ConflictError);
      await assert.rejects(store.putStream(`${p}/once`, chunks(2, 10), { ifGenerationMatch: '0' }), ConflictError);
      assert.equal((await store.get(`${p}/once`)).toString(), 'first');
    });

    it('lets exactly one of two concurrent write-once puts win', async () => {
      fresh();
      const results = await Promise.allSettled([
        store.put(`${p}/race`, 'A', { ifGenerationMatch: '0' }),
        store.put(`${p}/race`, 'B', { ifGenerationMatch: '0' }),
        store.putStream(`${p}/race`, chunks(3, 1000), { ifGenerationMatch: '0' }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError, String(r.reason));
      const winner = (won[0] as PromiseFulfilledResult<{ size: number }>).value;
      assert.equal((await store.get(`${p}/race`)).length, winner.size);
    });

    it('compares and swaps on the generation', async () => {
      fresh();
      const v1 = await store.put(`${p}/current.json`, '{"v":1}');
      const v2 = await store.put(`${p}/current.json`, '{"v":2}', { ifGenerationMatch: v1.generation });
      assert.notEqual(v2.generation, v1.generation);
      await assert.rejects(store.put(`${p}/current.json`, '{"v":3}', { ifGenerationMatch: v1.generation }), ConflictError);
      assert.equal((await store.get(`${p}/current.json`)).toString(), '{"v":2}');
      await assert.rejects(store.put(`${p}/never`, 'x', { ifGenerationMatch: v2.generation }), ConflictError);
      assert.equal(await store.exists(`${p}/never`), false);
      const v3 = await store.put(`${p}/current.json`, '{"v":2}', { ifGenerationMatch: v2.generation });
      assert.notEqual(v3.generation, v2.generation, 'same content is still a new generation');
    });

    it('lets exactly one of concurrent compare-and-swaps from the same generation win', async () => {
      fresh();
      const v1 = await store.put(`${p}/ptr`, 'v1');
      const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((x) => store.put(`${p}/ptr`, x, { ifGenerationMatch: v1.generation })));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError);
    });

    it('streams large objects in and out', async () => {
      fresh();
      const info = await store.putStream(`${p}/big.bin`, chunks(40, 64 * 1024));
      assert.equal(info.size, 40 * 64 * 1024);
      const data = await store.get(`${p}/big.bin`);
      assert.equal(data.length, info.size);
      assert.equal(data[64 * 1024 * 7], 7);
      const stream = await store.getStream(`${p}/big.bin`);
      let n = 0;
      for await (const c of stream) n += (c as Buffer).length;
      assert.equal(n, info.size);
      await store.putStream(`${p}/text.csv`, Readable.from(['a,b\n', '1,2\n']));
      assert.equal(await text(await store.getStream(`${p}/text.csv`)), 'a,b\n1,2\n');
    });

    it('never shows a half-written object, even while its upload is in progress', async () => {
      fresh();
      await store.put(`${p}/other`, 'x');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const upload = store.putStream(`${p}/slow.bin`, chunks(3, 1024, gate));
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual((await store.list(`${p}/`)).map((o) => o.path), [`${p}/other`]);
      assert.equal(await store.exists(`${p}/slow.bin`), false);
      release();
      await upload;
      assert.deepEqual((await store.list(`${p}/`)).map((o) => o.path), [`${p}/other`, `${p}/slow.bin`]);
    });

    it('lists recursively, sorted, by string prefix', async () => {
      fresh();
      for (const k of ['b/2', 'a', 'b/1/x', 'b10/y', 'c']) await store.put(`${p}/${k}`, k);
      assert.deepEqual((await store.list(`${p}/`)).map((o) => o.path.slice(p.length + 1)), ['a', 'b/1/x', 'b/2', 'b10/y', 'c']);
      assert.deepEqual((await store.list(`${p}/b/`)).map((o) => o.path.slice(p.length + 1)), ['b/1/x', 'b/2']);
      assert.deepEqual((await store.list(`${p}/b`)).map((o) => o.path.slice(p.length + 1)), ['b/1/x', 'b/2', 'b10/y']);
      assert.deepEqual(await store.list(`${p}/zzz/`), []);
      const [first] = await store.list(`${p}/a`);
      assert.equal(first.size, 1);
    });

    it('deletes objects; deleting a missing one is fine', async () => {
      fresh();
      await store.put(`${p}/gone`, 'x');
      await store.delete(`${p}/gone`);
      assert.equal(await store.exists(`${p}/gone`), false);
      await store.delete(`${p}/gone`);
      await store.put(`${p}/gone`, 'again', { ifGenerationMatch: '0' });
      assert.equal((await store.get(`${p}/gone`)).toString(), 'again');
    });

    it('rejects malformed paths with a DataError naming the path', async () => {
      for (const bad of ['', '/abs/x', '../x', 'a/../x', 'a//b', 'a/', './a', 'a/./b', 'a\\b', 'a/.~tmp-1']) {
        await assert.rejects(store.put(bad, 'x'), (err: unknown) => {
          assert.ok(err instanceof DataError, `${JSON.stringify(bad)}: ${String(err)}`);
          assert.equal(err.details.path, bad);
          return true;
        });
        await assert.rejects(store.get(bad), DataError);
      }
      await assert.rejects(store.list('../'), DataError);
      await assert.rejects(store.list('/x'), DataError);
    });
  });
}
