/**
 * The behaviour every LogStore must show: run by one small test file per adapter. The factory
 * returns an empty store; the suite closes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LogQuery, LogStore, RawLog } from '../../../functions/src/ports/log-store.ts';
import { DataError } from '../../../functions/src/shared/errors.ts';
import { badLogs, definedOnly, validLog } from './log-fixtures.ts';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

async function readAll(store: LogStore, query: LogQuery): Promise<{ pages: RawLog[][]; docs: RawLog[] }> {
  const pages: RawLog[][] = [];
  for await (const page of store.pages(query)) pages.push(page);
  return { pages, docs: pages.flat() };
}

/** Same instant, whether the store returns the timestamp as ISO string or epoch ms. */
function withMs(doc: unknown): unknown {
  const d = structuredClone(doc) as Record<string, unknown>;
  const ts = d.timestamp;
  if (typeof ts === 'string' || typeof ts === 'number') d.timestamp = typeof ts === 'number' ? ts : Date.parse(ts);
  return d;
}

/**
 * Run the log-store contract. `exactTimestamps`: the store returns `timestamp` as written (the
 * embedded one); otherwise only the instant must survive (Firestore returns ISO strings).
 * `findsMissingTimestamp`: the store can find documents that have no `timestamp` field at all
 * (SQLite; Firestore cannot query a field's absence).
 */
export function runLogStoreContract(name: string, factory: () => Promise<LogStore>, opts: { exactTimestamps?: boolean; findsMissingTimestamp?: boolean } = {}): void {
  describe(`LogStore contract: ${name}`, () => {
    let store: LogStore;
    before(async () => {
      store = await factory();
    });
    after(async () => {
      await store?.close();
    });
    const fresh = async (fn: (s: LogStore) => Promise<void>) => {
      const s = await factory();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    it('reads the window with start inclusive and end exclusive, in timestamp order', async () => {
      await fresh(async (s) => {
        const start = T0;
        const end = T0 + 3_600_000;
        await s.append([
          { id: 'end', data: validLog(iso(end)) },
          { id: 'mid', data: validLog(start + 1000) },
          { id: 'before', data: validLog(iso(start - 1)) },
          { id: 'start', data: validLog(iso(start)) },
          { id: 'last', data: validLog(end - 1) },
        ]);
        const { docs } = await readAll(s, { start: new Date(start), end: new Date(end) });
        assert.deepEqual(docs.map((d) => d.id), ['start', 'mid', 'last']);
        assert.equal(await s.count({ start: new Date(start), end: new Date(end) }), 3);
        assert.equal(await s.count({ start: new Date(end), end: new Date(start) }), 0);
      });
    });

    it('filters on minimum session duration (inclusive) in reads and counts', async () => {
      await fresh(async (s) => {
        await s.append([
          { id: 'short', data: validLog(T0 + 1, 29_999) },
          { id: 'exact', data: validLog(T0 + 2, 30_000) },
          { id: 'long', data: validLog(T0 + 3, 600_000) },
          { id: 'no-duration', data: { ...validLog(T0 + 4), session_duration: 'long' } },
        ]);
        const q = { start: new Date(T0), end: new Date(T0 + 10), minSessionDurationMs: 30_000 };
        assert.deepEqual((await readAll(s, q)).docs.map((d) => d.id), ['exact', 'long']);
        assert.equal(await s.count(q), 2);
        assert.equal(await s.count({ start: q.start, end: q.end }), 4);
      });
    });

    it('paginates across page boundaries when timestamps are equal, without gaps or repeats', async () => {
      await fresh(async (s) => {
        const logs = Array.from({ length: 23 }, (_, i) => ({ id: `same-${String(i).padStart(2, '0')}`, data: validLog(T0 + 5000, 60_000, i) }));
        logs.push({ id: 'after', data: validLog(T0 + 5001) }, { id: 'before', data: validLog(T0 + 4999) });
        await s.append(logs.reverse());
        const { pages, docs } = await readAll(s, { start: new Date(T0), end: new Date(T0 + 10_000), pageSize: 4 });
        assert.ok(pages.every((p) => p.length >= 1 && p.length <= 4), `page sizes ${pages.map((p) => p.length)}`);
        const ids = docs.map((d) => d.id);
        assert.equal(ids.length, 25);
        assert.equal(new Set(ids).size, 25);
        assert.equal(ids[0], 'before');
        assert.equal(ids.at(-1), 'after');
        const ts = docs.map((d) => Number((withMs(d.data) as { timestamp: number }).timestamp));
        assert.deepEqual(ts, [...ts].sort((a, b) => a - b));
      });
    });

    it('stops after limit documents, mid-page or on a page boundary', async () => {
      await fresh(async (s) => {
        await s.append(Array.from({ length: 12 }, (_, i) => ({ id: `l${String(i).padStart(2, '0')}`, data: validLog(T0 + i) })));
        const q = { start: new Date(T0), end: new Date(T0 + 100) };
        assert.equal((await readAll(s, { ...q, pageSize: 5, limit: 7 })).docs.length, 7);
        assert.equal((await readAll(s, { ...q, pageSize: 5, limit: 10 })).docs.length, 10);
        assert.equal((await readAll(s, { ...q, pageSize: 5, limit: 0 })).docs.length, 0);
        assert.equal((await readAll(s, { ...q, limit: 100 })).docs.length, 12);
      });
    });

    it('replaces a document appended again with the same id (idempotent re-runs)', async () => {
      await fresh(async (s) => {
        await s.append([{ id: 'dup', data: validLog(T0 + 1, 40_000) }]);
        await s.append([{ id: 'dup', data: validLog(T0 + 2, 50_000) }]);
        await s.append([{ id: 'dup', data: validLog(T0 + 2, 50_000) }]);
        const { docs } = await readAll(s, { start: new Date(T0), end: new Date(T0 + 10) });
        assert.equal(docs.length, 1);
        assert.equal((docs[0].data as { session_duration: number }).session_duration, 50_000);
        assert.equal(await s.count({ start: new Date(T0), end: new Date(T0 + 10) }), 1);
      });
    });

    it('returns valid and bad documents as the JSON documents that were written', async () => {
      await fresh(async (s) => {
        const ts = iso(T0 + 60_000);
        const written: RawLog[] = [
          { id: 'valid-iso', data: validLog(ts, 60_000, 0) },
          { id: 'valid-ms', data: validLog(T0 + 60_000, 60_000, 3) },
          ...Object.entries(badLogs(ts)).map(([reason, data]) => ({ id: `bad ${reason}`, data })),
        ];
        await s.append(written);
        const { docs } = await readAll(s, { start: new Date(T0), end: new Date(T0 + 120_000) });
        assert.equal(docs.length, written.length);
        const byId = new Map(docs.map((d) => [d.id, d.data]));
        for (const w of written) {
          const got = byId.get(w.id);
          if (opts.exactTimestamps) assert.deepStrictEqual(definedOnly(got), definedOnly(w.data), w.id);
          else assert.deepStrictEqual(withMs(definedOnly(got)), withMs(definedOnly(w.data)), w.id);
        }
      });
    });

    it('keeps documents without a usable timestamp out of every window', async () => {
      await fresh(async (s) => {
        await s.append([
          { id: 'no-ts', data: { ...validLog(T0), timestamp: undefined } },
          { id: 'text-ts', data: { ...validLog(T0), timestamp: 'yesterday' } },
          { id: 'ok', data: validLog(T0) },
        ]);
        const { docs } = await readAll(s, { start: new Date(0), end: new Date(Date.UTC(2100, 0, 1)) });
        assert.deepEqual(docs.map((d) => d.id), ['ok']);
      });
    });

    it('with includeUnplaced, returns first the documents it cannot place, then the window; count ignores them', async () => {
      await fresh(async (s) => {
        await s.append([
          { id: 'no-ts', data: { ...validLog(T0), timestamp: undefined } },
          { id: 'text-ts', data: { ...validLog(T0), timestamp: 'yesterday' } },
          { id: 'ok', data: validLog(T0) },
          { id: 'outside', data: validLog(T0 + 60_000) },
        ]);
        const { docs } = await readAll(s, { start: new Date(T0), end: new Date(T0 + 10), includeUnplaced: true, pageSize: 1 });
        const unplaced = opts.findsMissingTimestamp ? ['no-ts', 'text-ts'] : ['text-ts'];
        assert.deepEqual(docs.map((d) => d.id), [...unplaced, 'ok']);
        assert.equal((docs.find((d) => d.id === 'text-ts')?.data as { timestamp: unknown }).timestamp, 'yesterday');
        assert.equal(await s.count({ start: new Date(T0), end: new Date(T0 + 10) }), 1);
        assert.equal((await readAll(s, { start: new Date(T0), end: new Date(T0 + 10), includeUnplaced: true, limit: 1 })).docs.length, 1);
      });
    });

    it('rejects an invalid window or page size with a DataError', async () => {
      await assert.rejects(readAll(store, { start: new Date('nope'), end: new Date(T0) }), DataError);
      await assert.rejects(readAll(store, { start: new Date(T0), end: new Date(T0 + 1), pageSize: 0 }), DataError);
      await assert.rejects(store.append([{ id: 'a/b', data: {} }]), DataError);
    });

    it('counts an empty store as zero and yields no pages', async () => {
      assert.equal(await store.count({ start: new Date(0), end: new Date(T0) }), 0);
      assert.deepEqual((await readAll(store, { start: new Date(0), end: new Date(T0) })).pages, []);
    });
  });
}
