import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvWriter, NumberTexts } from '../../../functions/src/stages/collect/csv-writer.ts';
import { csvNumber, csvText } from '../../../functions/src/stages/collect/row-batch.ts';

/** The text `write` puts into a fresh writer. */
function written(write: (w: CsvWriter) => void): string {
  const w = new CsvWriter(16);
  w.reserve(4096);
  write(w);
  return Buffer.from(w.take()).toString('utf8');
}

const NUMBERS = [
  0, -0, 1, -1, 7, 9, 10, 42, 99, 100, 101, 999, 1000, 12_345, 999_999_999, 1_000_000_000, -2_147_483_648, 2_147_483_647,
  2_147_483_648, -2_147_483_649, 2 ** 53, 1e21, -1e21, 0.1, 0.5, 1 / 3, -4.5, 1e-7, 5e-324, Number.MAX_VALUE, Math.sin(1),
  0.7071067811865476, NaN, Infinity, -Infinity,
];

describe('CSV writer', () => {
  it('writes number cells exactly as csvNumber, from the cache too', () => {
    const texts = new NumberTexts();
    for (let round = 0; round < 2; round++) {
      for (const x of NUMBERS) assert.equal(written((w) => w.numbers(Float64Array.of(x), 0, 1, texts)), `,${csvNumber(x)}`, `${x} (round ${round})`);
    }
    const row = Float64Array.from(NUMBERS);
    assert.equal(written((w) => w.numbers(row, 2, row.length, texts)), NUMBERS.slice(2).map((x) => `,${csvNumber(x)}`).join(''));
  });

  it('keeps distinct values apart when they share a cache slot', () => {
    const texts = new NumberTexts();
    const xs = Array.from({ length: 100_000 }, (_, i) => i / 7 + 0.5);
    for (const x of [...xs, ...xs.reverse()]) assert.equal(texts.text(x), String(x));
  });

  it('writes timestamps exactly as toISOString, across days and out of the usual range', () => {
    const day = Date.UTC(2026, 0, 1);
    const times = [
      day, day + 1, day + 86_399_999, day + 86_400_000, day + 3_723_004, day - 1, 0, -1, -86_400_001, Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      Date.UTC(2100, 0, 1), Date.UTC(10_000, 0, 1, 12), Date.UTC(-1, 5, 6, 7, 8, 9, 10), 8.64e15, -8.64e15, day + 1.5, day - 0.5,
    ];
    const w = new CsvWriter(16);
    for (const ms of [...times, ...times.reverse()]) {
      w.reserve(64);
      const start = w.pos;
      w.isoTime(ms);
      assert.equal(Buffer.from(w.take().subarray(start)).toString('latin1'), new Date(ms).toISOString(), String(ms));
    }
  });

  it('throws the RangeError of toISOString for an invalid time', () => {
    for (const ms of [NaN, Infinity, 8.64e15 + 1]) assert.throws(() => written((w) => w.isoTime(ms)), RangeError);
  });

  it('writes text cells as csvText in UTF-8', () => {
    for (const s of ['sim7-20260101-000001', '', 'a,b', 'say "hi"', ' lead', 'trail ', 'in side', 'line\nbreak', 'tab\tin', 'café', '日本', '😀,x', '\u007f']) {
      assert.equal(written((w) => w.text(s, csvText)), csvText(s), JSON.stringify(s));
    }
  });
});
