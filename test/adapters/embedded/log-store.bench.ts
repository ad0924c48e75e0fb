/**
 * Read speed of the embedded log store against the naive baseline it replaces (one JSON document
 * per row, parsed row by row), both run in this process on the same sessions, so the ratio means
 * something on a busy machine too. Not a test: `node test/adapters/embedded/log-store.bench.ts [n]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteLogStore } from '../../../functions/src/adapters/embedded/sqlite-log-store.ts';
import { validLog } from '../contracts/log-fixtures.ts';

const n = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(path.join(tmpdir(), 'log-bench-'));
const t0 = Date.parse('2026-01-01T00:00:00Z');
const query = { start: new Date(t0), end: new Date(t0 + n * 1000), minSessionDurationMs: 0 };

/** CPU seconds spent in `fn` (steadier than wall time when other processes compete). */
async function cpuSeconds(fn: () => Promise<void> | void): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

const logs = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return { id: `log-${String(i).padStart(9, '0')}`, data: validLog(i % 2 ? t0 + i * 1000 : new Date(t0 + i * 1000).toISOString(), 60_000, i) };
  });

try {
  const store = new SqliteLogStore(path.join(dir, 'columnar.sqlite'));
  const naive = new DatabaseSync(path.join(dir, 'naive.sqlite'));
  naive.exec('PRAGMA journal_mode = WAL; CREATE TABLE logs (id TEXT PRIMARY KEY, ts, doc TEXT); CREATE INDEX logs_ts ON logs (ts, id)');
  const insert = naive.prepare('INSERT INTO logs VALUES (?, ?, ?)');
  for (let b = 0; b < n; b += 10_000) {
    const batch = logs(b, Math.min(n, b + 10_000));
    await store.append(batch);
    naive.exec('BEGIN');
    for (const l of batch) insert.run(l.id, t0 + Number(l.id.slice(4)) * 1000, JSON.stringify(l.data));
    naive.exec('COMMIT');
  }

  let read = 0;
  const columnar = await cpuSeconds(async () => {
    for await (const page of store.pages(query)) read += page.length;
  });
  const page = naive.prepare('SELECT id, doc, ts FROM logs WHERE (ts, id) > (?, ?) AND ts < ? ORDER BY ts, id LIMIT 1000');
  let naiveRead = 0;
  const baseline = await cpuSeconds(() => {
    let cursor: [number, string] = [query.start.getTime() - 1, ''];
    for (;;) {
      const rows = page.all(cursor[0], cursor[1], query.end.getTime()) as { id: string; doc: string; ts: number }[];
      if (rows.length === 0) break;
      for (const r of rows) JSON.parse(r.doc);
      naiveRead += rows.length;
      cursor = [rows[rows.length - 1].ts, rows[rows.length - 1].id];
    }
  });
  if (read !== n || naiveRead !== n) throw new Error(`read ${read} and ${naiveRead} of ${n}`);
  const rate = (s: number) => `${Math.round(n / s).toLocaleString('en')} docs/s`;
  console.log(`naive JSON rows: ${rate(baseline)} (cpu)`);
  console.log(`columnar store:  ${rate(columnar)} (cpu)  ×${(baseline / columnar).toFixed(2)}`);
  console.log(`rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
  await store.close();
  naive.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
