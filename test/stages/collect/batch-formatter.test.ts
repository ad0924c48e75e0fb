import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inlineFormatter, workerFormatter } from '../../../functions/src/stages/collect/batch-formatter.ts';
import { ROW_LAYOUT } from '../../../functions/src/stages/collect/csv-format.ts';
import { RowBatchBuilder, type RowBatch } from '../../../functions/src/stages/collect/row-batch.ts';

function batches(): RowBatch[] {
  const out: RowBatch[] = [];
  for (let p = 0; p < 5; p++) {
    const b = new RowBatchBuilder(ROW_LAYOUT, 50);
    for (let i = 0; i < 50; i++) {
      const f = Float64Array.from({ length: 19 }, (_, j) => (j === 12 && i % 3 === 0 ? NaN : Math.sin(p * 1000 + i * 19 + j)));
      const v = Float64Array.from({ length: 8 }, (_, j) => i + j / 7);
      b.push(`p${p}-r${i}${i === 7 ? ',"q"' : ''}`, Date.UTC(2026, 10, 20) + p * 1000 + i, f, v, [i % 3, (i + 1) % 3, (i + 2) % 3]);
    }
    out.push(b.take());
  }
  return out;
}

describe('batch formatter', () => {
  it('formats the same bytes in a worker as inline, in order with several batches in flight', async () => {
    const inline = inlineFormatter(ROW_LAYOUT);
    const expected = Buffer.concat(await Promise.all(batches().map((b) => inline.format(b))));
    const worker = workerFormatter(ROW_LAYOUT);
    try {
      const got = Buffer.concat(await Promise.all(batches().map((b) => worker.format(b))));
      assert.equal(got.length, expected.length);
      assert.ok(got.equals(expected));
      assert.match(expected.toString().split('\n')[7], /^"p0-r7,""q""",2026-11-20T00:00:00\.007Z,/);
    } finally {
      await worker.close();
    }
    await assert.rejects(worker.format(batches()[0]), /closed/);
  });
});
