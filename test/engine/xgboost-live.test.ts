/**
 * Live round trip with the real XGBoost (Debian's /usr/bin/python3 with xgboost): models saved
 * by this engine load in XGBoost and predict the same, and XGBoost can train them further.
 * Skipped, with a message, when python3-xgboost is not installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Booster, DMatrix, train } from '../../functions/src/engine/index.ts';
import { FIXTURES, hasPythonXgboost, maxAbsDiff, readCsv } from './fixtures.ts';

const skip = hasPythonXgboost ? false : 'python3-xgboost not installed (/usr/bin/python3 -c "import xgboost" failed): live round trip skipped';
const dir = mkdtempSync(path.join(tmpdir(), 'engine-live-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = `
import sys, json, numpy as np, xgboost as xgb
model, data, ncol, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
X = np.fromfile(data, dtype=np.float32).reshape(-1, ncol)
b = xgb.Booster(model_file=model)
d = xgb.DMatrix(X, feature_names=b.feature_names)
res = {'pred': b.predict(d).ravel().tolist(), 'margin': b.predict(d, output_margin=True).ravel().tolist(),
       'rounds': b.num_boosted_rounds(), 'attrs': b.attributes(), 'config': json.loads(b.save_config())['learner']['objective']['name']}
if len(sys.argv) > 5:
    d.set_label(np.fromfile(sys.argv[5], dtype=np.float32))
    params = json.loads(sys.argv[6])
    b2 = xgb.train(params, d, 3, xgb_model=b)
    res['continued'] = b2.predict(d).ravel().tolist()
    res['continuedRounds'] = b2.num_boosted_rounds()
json.dump(res, open(out, 'w'))
`;

function python(model: Booster, X: DMatrix, cont?: { label: Float32Array; params: Record<string, unknown> }) {
  const name = `m${Math.random().toString(36).slice(2)}`;
  const modelFile = path.join(dir, `${name}.json`);
  const dataFile = path.join(dir, `${name}.bin`);
  const outFile = path.join(dir, `${name}.out.json`);
  writeFileSync(modelFile, model.saveModel());
  writeFileSync(dataFile, X.data);
  writeFileSync(path.join(dir, 'rt.py'), SCRIPT);
  const args = [path.join(dir, 'rt.py'), modelFile, dataFile, String(X.ncol), outFile];
  if (cont) {
    writeFileSync(`${dataFile}.y`, cont.label);
    args.push(`${dataFile}.y`, JSON.stringify({ ...cont.params, tree_method: 'hist' }));
  }
  const res = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(readFileSync(outFile, 'utf8')) as { pred: number[]; margin: number[]; rounds: number; attrs: Record<string, string>; config: string; continued?: number[]; continuedRounds?: number };
}

describe('our models in real XGBoost', { skip }, () => {
  const t = readCsv('big.csv');
  const names = Array.from({ length: t.ncol }, (_, j) => `f${j}`);
  const configs: Array<[string, Record<string, unknown>, string]> = [
    ['reg:squarederror', { max_depth: 5, eta: 0.3, subsample: 0.8, colsample_bynode: 0.6 }, 'y_reg'],
    ['reg:pseudohubererror', { max_depth: 3 }, 'y_reg'],
    ['binary:logistic', { max_depth: 4, base_score: 0.3, scale_pos_weight: 2 }, 'y_bin'],
    ['multi:softprob', { num_class: 3, grow_policy: 'lossguide', max_leaves: 8 }, 'y_cls'],
    ['multi:softmax', { num_class: 3, max_bin: 32 }, 'y_cls'],
  ];
  for (const [objective, extra, label] of configs) {
    it(`${objective} predicts the same in XGBoost`, () => {
      const d = new DMatrix(t.X, t.nrow, t.ncol, { label: t.columns[label], featureNames: names });
      const b = train({ objective, ...extra }, d, { numBoostRound: 12 });
      b.setAttr('run', 'live-test');
      const res = python(b, d);
      assert.equal(res.rounds, 12);
      assert.equal(res.config, objective);
      assert.equal(res.attrs.run, 'live-test');
      assert.ok(maxAbsDiff(b.predict(d), res.pred) < 1e-5, `pred diff ${maxAbsDiff(b.predict(d), res.pred)}`);
      assert.ok(maxAbsDiff(b.predict(d, { outputMargin: true }), res.margin) < 1e-4);
    });
  }

  it('XGBoost trains our model further (xgb_model) and we read the result back', () => {
    const d = new DMatrix(t.X, t.nrow, t.ncol, { label: t.columns.y_reg, featureNames: names });
    const b = train({ objective: 'reg:squarederror', max_depth: 3 }, d, { numBoostRound: 5 });
    const res = python(b, d, { label: t.columns.y_reg, params: { objective: 'reg:squarederror', max_depth: 3 } });
    assert.equal(res.continuedRounds, 8);
    assert.ok(maxAbsDiff(b.predict(d), res.pred) < 1e-5);
  });
});

void FIXTURES;
