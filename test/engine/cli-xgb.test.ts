/** `retrain xgb train|predict|info` through the real CLI entry (main), on the golden fixture CSVs. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../../functions/src/cli/main.ts';
import { Booster } from '../../functions/src/engine/index.ts';
import { FIXTURES, fixtureCase, maxAbsDiff } from './fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'cli-xgb-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = path.join(FIXTURES, 'data.csv');
const tmp = (f: string) => path.join(dir, f);

/** Run the CLI, capturing stdout and stderr. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}

function readPreds(file: string): { header: string[]; values: number[] } {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return { header: lines[0].split(','), values: lines.slice(1).flatMap((l) => l.split(',').map(Number)) };
}

describe('retrain xgb', () => {
  it('reads a CSV that starts with a byte order mark (the first column keeps its name)', async () => {
    const f = tmp('bom.csv');
    writeFileSync(f, `\uFEFFy,x\n${Array.from({ length: 20 }, (_, i) => `${i % 3},${i}`).join('\n')}\n`);
    const r = await run(['xgb', 'train', '--data', f, '--label', 'y', '--objective', 'reg:squarederror', '--rounds', '2', '--out', tmp('bom.json'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(Booster.loadModel(readFileSync(tmp('bom.json'), 'utf8')).featureNames, ['x']);
  });

  it('trains like XGBoost, predicts p0..p2 per row, and shows info', async () => {
    const c = fixtureCase('softprob');
    const model = tmp('softprob.json');
    const t = await run(['xgb', 'train', '--data', data, '--label', 'y_cls', '--drop', 'y_reg,y_bin,w', '--objective', 'multi:softprob', '--num-class', '3', '--rounds', String(c.rounds), '--param', 'max_depth=3', '--param', 'eta=0.3', '--out', model, '--json']);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(JSON.parse(t.stdout).trees, c.rounds * 3);
    const p = await run(['xgb', 'predict', '--model', model, '--data', data, '--out', tmp('p.csv')]);
    assert.equal(p.code, 0, p.stderr);
    const preds = readPreds(tmp('p.csv'));
    assert.deepEqual(preds.header, ['p0', 'p1', 'p2']);
    assert.ok(maxAbsDiff(preds.values, c.pred) < 1e-4);
    const i = await run(['xgb', 'info', '--model', model, '--json']);
    const info = JSON.parse(i.stdout);
    assert.equal(info.objective, 'multi:softprob');
    assert.equal(info.rounds, c.rounds);
    assert.deepEqual(info.features, ['f0', 'f1', 'f2', 'f3', 'f4']);
    assert.ok(Object.keys(info.importance).length > 0);
  });

  it('predicts with an XGBoost model, matching columns by feature name, and writes margins', async () => {
    const c = fixtureCase('names');
    const shuffled = tmp('shuffled.csv');
    const lines = readFileSync(data, 'utf8').trim().split('\n').map((l) => l.split(','));
    const order = [7, 4, 2, 0, 1, 3, 5, 6]; // w, f4, f2, f0, f1, f3, y_reg, y_bin
    writeFileSync(shuffled, lines.map((cells) => order.map((j) => cells[j]).join(',')).join('\n'));
    const r = await run(['xgb', 'predict', '--model', path.join(FIXTURES, 'models', 'names.json'), '--data', shuffled, '--out', tmp('n.csv')]);
    assert.equal(r.code, 0, r.stderr);
    const preds = readPreds(tmp('n.csv'));
    assert.deepEqual(preds.header, ['prediction']);
    assert.ok(maxAbsDiff(preds.values, c.pred) < 1e-5);
    const m = await run(['xgb', 'predict', '--model', path.join(FIXTURES, 'models', 'logistic.json'), '--data', data, '--out', tmp('m.csv'), '--margin']);
    assert.equal(m.code, 0, m.stderr);
    assert.ok(maxAbsDiff(readPreds(tmp('m.csv')).values, fixtureCase('logistic').margin) < 1e-5);
  });

  it('continues training and stops early on an eval file', async () => {
    const base = tmp('base.json');
    await run(['xgb', 'train', '--data', data, '--label', 'y_reg', '--drop', 'y_cls,y_bin,w', '--objective', 'reg:squarederror', '--rounds', '3', '--out', base]);
    const r = await run(['xgb', 'train', '--data', data, '--label', 'y_reg', '--drop', 'y_cls,y_bin,w', '--objective', 'reg:squarederror', '--rounds', '2', '--continue', base, '--out', tmp('more.json'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Booster.loadModel(readFileSync(tmp('more.json'), 'utf8')).numBoostedRounds(), 5);
    const e = await run(['xgb', 'train', '--data', data, '--label', 'y_bin', '--drop', 'y_cls,y_reg,w', '--objective', 'binary:logistic', '--rounds', '200', '--param', 'eta=1', '--eval', path.join(FIXTURES, 'valid.csv'), '--early-stopping', '2', '--out', tmp('es.json'), '--json']);
    assert.equal(e.code, 0, e.stderr);
    const out = JSON.parse(e.stdout);
    assert.ok(out.rounds < 200 && out.bestIteration === out.rounds - 3);
  });

  const bad: Array<[string, () => string[], RegExp, number]> = [
    ['a non-numeric cell (row and column named)', () => {
      const f = tmp('bad.csv');
      const lines = readFileSync(data, 'utf8').split('\n');
      lines[4] = lines[4].replace(/^[^,]*/, 'abc');
      writeFileSync(f, lines.join('\n'));
      return ['xgb', 'train', '--data', f, '--label', 'y_reg', '--objective', 'reg:squarederror', '--out', tmp('x.json')];
    }, /row 4 \(line 5\), column "f0": "abc" is not a number/, 1],
    ['a label outside 0..K-1', () => ['xgb', 'train', '--data', data, '--label', 'y_cls', '--objective', 'multi:softprob', '--num-class', '2', '--out', tmp('x.json')], /row \d+ \(line \d+\): label must be a class id in 0…1/, 1],
    ['an unknown parameter', () => ['xgb', 'train', '--data', data, '--label', 'y_reg', '--objective', 'reg:squarederror', '--param', 'foo=1', '--out', tmp('x.json')], /unknown parameter "foo"/, 2],
    ['a feature count that does not match the model', () => {
      const f = tmp('narrow.csv');
      writeFileSync(f, '1,2,3\n4,5,6\n');
      return ['xgb', 'predict', '--model', path.join(FIXTURES, 'models', 'reg.json'), '--data', f, '--out', tmp('y.csv')];
    }, /expects 5 features, the CSV has 3 columns/, 1],
    ['a truncated model', () => {
      const f = tmp('trunc.json');
      writeFileSync(f, readFileSync(path.join(FIXTURES, 'models', 'reg.json'), 'utf8').slice(0, 500));
      return ['xgb', 'info', '--model', f];
    }, /not valid JSON/, 1],
    ['a foreign JSON', () => {
      const f = tmp('foreign.json');
      writeFileSync(f, '{"name": "not a model"}');
      return ['xgb', 'info', '--model', f];
    }, /missing key "learner"/, 1],
    ['a CSV with a header and no rows', () => {
      const f = tmp('header-only.csv');
      writeFileSync(f, 'a,b,y\n');
      return ['xgb', 'train', '--data', f, '--label', 'y', '--objective', 'reg:squarederror', '--out', tmp('none.json')];
    }, /a header and no data rows/, 1],
    ['a header naming a column twice', () => {
      const f = tmp('dup.csv');
      writeFileSync(f, 'a,a,y\n1,2,3\n');
      return ['xgb', 'train', '--data', f, '--label', 'y', '--objective', 'reg:squarederror', '--out', tmp('dup.json')];
    }, /names column "a" twice/, 1],
    ['a huge header, echoing at most 200 characters of it', () => {
      const f = tmp('wide.csv');
      const names = Array.from({ length: 20_000 }, (_, i) => `column_with_a_long_name_${i}`);
      writeFileSync(f, `${names.join(',')}\n${names.map(() => '1').join(',')}\n`);
      return ['xgb', 'train', '--data', f, '--label', 'y', '--objective', 'reg:squarederror', '--out', tmp('wide.json')];
    }, /^error: .{0,400}\(\d+ characters\)\)\n$/s, 2],
    ['a model whose leaf is 1e999', () => {
      const f = tmp('inf-leaf.json');
      const text = readFileSync(path.join(FIXTURES, 'models', 'reg.json'), 'utf8');
      writeFileSync(f, text.replace(/("split_conditions":\s*\[)([^,\]]+)/, '$11e999'));
      return ['xgb', 'info', '--model', f];
    }, /trees\[0\]\.split_conditions\[0\] = Infinity is not a finite float32/, 1],
  ];
  for (const [what, args, re, code] of bad) {
    it(`fails on ${what}`, async () => {
      const r = await run(args());
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, re);
    });
  }
});
