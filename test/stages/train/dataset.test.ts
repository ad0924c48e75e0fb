import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTrainingCsv } from '../../../functions/src/stages/train/dataset.ts';
import { defaultTargets } from '../../../functions/src/stages/train/targets.ts';
import { DataError } from '../../../functions/src/shared/errors.ts';
import { makeRows, toCsv } from './fixtures.ts';

const targets = defaultTargets();
const rows = () => makeRows({ rows: 5, seed: 3, withId: true });

describe('training CSV', () => {
  it('reads columns by name, ignores extra columns, keeps empty feature cells as missing', () => {
    const r = rows();
    r[1].feature_11 = '';
    const t = parseTrainingCsv(toCsv(r), 'd.csv', targets);
    assert.equal(t.rows, 5);
    assert.equal(t.values.length, 5 * 19);
    assert.ok(Number.isNaN(t.values[1 * 19 + 11]));
    assert.equal(t.values[0], Math.fround(Number(r[0].feature_0)));
    assert.equal(t.classes.css_class_theme[2], ['light', 'dark', 'high-contrast'].indexOf(r[2].css_class_theme));
    assert.equal(t.vars.css_var_7[4], Math.fround(Number(r[4].css_var_7)));
    assert.match(t.sha256, /^[0-9a-f]{64}$/);
  });

  const drop = (col: string) => (r: Array<Record<string, string>>) => r.map(({ [col]: _gone, ...rest }) => rest);
  const cases: Array<[string, (r: Array<Record<string, string>>) => Array<Record<string, string>> | string, RegExp]> = [
    ['empty file', () => '', /empty/],
    ['header only', (r) => toCsv(r).split('\n')[0] + '\n', /no rows/],
    ['missing target column', drop('css_var_3'), /missing target column css_var_3/],
    ['missing feature column', drop('feature_7'), /wrong feature count: expected 19 .* found 18; missing feature_7/],
    ['extra feature column', (r) => r.map((x) => ({ ...x, feature_19: '1' })), /found 20; unexpected feature_19/],
    ['non-numeric feature', (r) => (r[2].feature_4 = 'abc', r), /line 4 \(row 3\), column feature_4: not a number: "abc"/],
    ['non-numeric target', (r) => (r[0].css_var_1 = 'x1', r), /line 2 \(row 1\), column css_var_1: not a number/],
    ['unknown class label', (r) => (r[3].css_class_theme = 'sepia', r), /line 5 \(row 4\), column css_class_theme: unknown class label "sepia" \(known: light, dark, high-contrast\)/],
    ['missing class label', (r) => (r[1].css_class_font = '', r), /row 2\), column css_class_font: missing class label/],
    ['ragged row', (r) => toCsv(r).replace(/\n([^\n]*)\n$/, '\n$1,extra\n'), /not a valid CSV/],
  ];
  for (const [name, mutate, message] of cases) {
    it(`rejects ${name} with a clear error`, () => {
      const out = mutate(rows());
      const text = typeof out === 'string' ? out : toCsv(out);
      assert.throws(() => parseTrainingCsv(text, 'datasets/r/d.csv', targets), (e: unknown) => {
        assert.ok(e instanceof DataError);
        assert.match(e.message, /^datasets\/r\/d\.csv: /);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
