import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Booster, DMatrix, MODEL_KEYS, train } from '../../functions/src/engine/index.ts';
import { xgbFloatString } from '../../functions/src/engine/model-json.ts';
import { DataError } from '../../functions/src/shared/errors.ts';
import { caseMatrix, fixtureCase, maxAbsDiff, modelText } from './fixtures.ts';

function small(): { b: Booster; d: DMatrix } {
  const c = fixtureCase('softprob');
  const d = caseMatrix(c);
  return { b: train({ objective: 'multi:softprob', num_class: 3, max_depth: 3 }, d, { numBoostRound: 4 }), d };
}

function expectKeyError(input: string | object, key: RegExp): void {
  assert.throws(
    () => Booster.loadModel(input),
    (err: unknown) => err instanceof DataError && key.test(err.message) && err.code === 'MODEL_INVALID',
  );
}

describe('model JSON', () => {
  it('round-trips: save, load, same predictions, same text', () => {
    const { b, d } = small();
    b.setAttr('dataset', 'v3');
    const text = b.saveModel();
    const back = Booster.loadModel(text);
    assert.equal(maxAbsDiff(back.predict(d), b.predict(d)), 0);
    assert.equal(back.getAttr('dataset'), 'v3');
    assert.equal(back.saveModel(), text);
    assert.equal(back.numBoostedRounds(), 4);
  });

  it("writes XGBoost 1.7's layout: base_score as a string, floats as floats, tree_info per class", () => {
    const { b } = small();
    const text = b.saveModel();
    const j = JSON.parse(text);
    const learner = j[MODEL_KEYS.learner];
    assert.deepEqual(j.version, [1, 7, 4]);
    assert.equal(learner.learner_model_param.base_score, '5E-1');
    assert.equal(learner.learner_model_param.num_class, '3');
    assert.equal(learner.objective.name, 'multi:softprob');
    assert.deepEqual(learner.gradient_booster.model.tree_info.slice(0, 6), [0, 1, 2, 0, 1, 2]);
    assert.equal(learner.gradient_booster.model.gbtree_model_param.num_trees, '12');
    // XGBoost's JSON reader rejects integer literals in float arrays.
    for (const m of text.matchAll(/"(split_conditions|base_weights|loss_changes|sum_hessian)":\[([^\]]*)\]/g)) {
      for (const token of m[2].split(',')) assert.match(token, /[.e]/, `${m[1]} holds ${token}`);
    }
    const t0 = learner.gradient_booster.model.trees[0];
    assert.equal(t0.parents[0], 2147483647);
    for (let n = 0; n < t0.left_children.length; n++) {
      if (t0.left_children[n] === -1) assert.equal(t0.split_conditions[n], t0.base_weights[n], 'leaf value in split_conditions and base_weights');
    }
  });

  it('formats floats as XGBoost does', () => {
    assert.equal(xgbFloatString(0.5), '5E-1');
    assert.equal(xgbFloatString(9.897907), '9.897907E0');
    assert.equal(xgbFloatString(1), '1E0');
    assert.equal(xgbFloatString(-0.25), '-2.5E-1');
  });

  it('names the missing or malformed key', () => {
    const good = JSON.parse(modelText('reg'));
    const clone = () => JSON.parse(JSON.stringify(good));
    expectKeyError('{"learner": {', /not valid JSON/);
    expectKeyError({ hello: 1 }, /missing key "learner"/);
    let m = clone();
    delete m.learner.learner_model_param.num_feature;
    expectKeyError(m, /learner\.learner_model_param\.num_feature/);
    m = clone();
    m.learner.gradient_booster.model.trees[2].split_conditions.pop();
    expectKeyError(m, /trees\[2\]\.split_conditions has \d+ entries/);
    m = clone();
    m.learner.gradient_booster.model.trees[0].left_children[0] = 99;
    expectKeyError(m, /trees\[0\]: node 0 has children 99/);
    m = clone();
    m.learner.gradient_booster.name = 'dart';
    expectKeyError(m, /gradient_booster\.name must be "gbtree"/);
    m = clone();
    m.learner.objective.name = 'rank:pairwise';
    expectKeyError(m, /objective/);
    m = clone();
    m.learner.gradient_booster.model.trees[1].split_indices[0] = 12;
    expectKeyError(m, /split_indices\[0\] = 12 is not a feature below 5/);
    m = clone();
    m.learner.gradient_booster.model.tree_info.pop();
    expectKeyError(m, /tree_info/);
  });

  it('refuses a leaf or split value that is not a finite float32, naming where it is', () => {
    const text = modelText('reg');
    const tree = JSON.parse(text).learner.gradient_booster.model.trees[0];
    const leaf = tree.left_children.findIndex((l: number) => l === -1);
    // 1e999 parses to Infinity; 1e39 is a finite double but overflows float32.
    for (const value of ['1e999', '-1e999', '1e39']) {
      const m = JSON.parse(text);
      const conditions: number[] = m.learner.gradient_booster.model.trees[0].split_conditions;
      const raw = JSON.stringify(m).replace(`"split_conditions":[${conditions.join(',')}]`, () => {
        const edited = conditions.map((c, i) => (i === leaf ? value : String(c)));
        return `"split_conditions":[${edited.join(',')}]`;
      });
      assert.notEqual(raw, JSON.stringify(m), 'the edit applied');
      expectKeyError(raw, new RegExp(`learner\\.gradient_booster\\.model\\.trees\\[0\\]\\.split_conditions\\[${leaf}\\] = -?(Infinity|1e\\+39) is not a finite float32`));
    }
  });

  it('reads the 2.x spelling of base_score ("[5E-1]")', () => {
    const m = JSON.parse(modelText('reg'));
    m.learner.learner_model_param.base_score = '[5E-1]';
    assert.equal(Booster.loadModel(m).params.base_score, 0.5);
  });
});
