import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CSV_COLUMNS, CSV_HEADER, csvNumber, csvRow, csvText } from '../../../functions/src/stages/collect/csv-format.ts';

describe('dataset CSV format', () => {
  it('has the original column names, identification columns first', () => {
    const expected = [
      'session_id',
      'timestamp',
      ...Array.from({ length: 19 }, (_, i) => `feature_${i}`),
      'css_class_density',
      'css_class_font',
      'css_class_theme',
      ...Array.from({ length: 8 }, (_, i) => `css_var_${i}`),
    ];
    assert.deepEqual(CSV_COLUMNS, expected);
    assert.equal(CSV_HEADER, `${expected.join(',')}\n`);
  });

  it('writes numbers as shortest round-trip decimals and non-finite as empty', () => {
    for (const x of [0.1, 1 / 3, Math.sin(1), 1e-7, 123456789.123, 2 ** 53, -4.5]) assert.equal(Number(csvNumber(x)), x);
    assert.equal(csvNumber(0.7071067811865476), '0.7071067811865476');
    assert.equal(csvNumber(-0), '0');
    assert.equal(csvNumber(NaN), '');
    assert.equal(csvNumber(Infinity), '');
  });

  it('quotes text only when needed', () => {
    assert.equal(csvText('abc-123'), 'abc-123');
    assert.equal(csvText('a,b'), '"a,b"');
    assert.equal(csvText('say "hi"'), '"say ""hi"""');
    assert.equal(csvText('line\nbreak'), '"line\nbreak"');
  });

  it('writes one row with missing features as empty cells', () => {
    const f = Float64Array.from({ length: 19 }, (_, i) => (i === 11 ? NaN : i / 2));
    const v = Float64Array.from({ length: 8 }, (_, i) => i + 0.25);
    const row = csvRow('s,1', Date.UTC(2026, 10, 20, 10), f, { css_class_density: 'compact', css_class_font: 'large', css_class_theme: 'high-contrast' }, v);
    const cells = row.trimEnd().split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    assert.equal(cells.length, CSV_COLUMNS.length);
    assert.equal(cells[0], '"s,1"');
    assert.equal(cells[1], '2026-11-20T10:00:00.000Z');
    assert.equal(cells[2 + 11], '');
    assert.equal(cells[2 + 3], '1.5');
    assert.deepEqual(cells.slice(21, 24), ['compact', 'large', 'high-contrast']);
    assert.equal(cells.at(-1), '7.25');
    assert.ok(row.endsWith('\n'));
  });
});
