import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateParams } from '../../functions/src/engine/index.ts';
import { ConfigError } from '../../functions/src/shared/errors.ts';

describe('validateParams', () => {
  it("fills XGBoost's defaults", () => {
    const p = validateParams({});
    assert.equal(p.objective, 'reg:squarederror');
    assert.equal(p.eta, 0.3);
    assert.equal(p.max_depth, 6);
    assert.equal(p.min_child_weight, 1);
    assert.equal(p.lambda, 1);
    assert.equal(p.alpha, 0);
    assert.equal(p.gamma, 0);
    assert.equal(p.max_bin, 256);
    assert.equal(p.base_score, 0.5);
    assert.equal(p.subsample, 1);
    assert.equal(p.grow_policy, 'depthwise');
    assert.equal(p.scale_pos_weight, 1);
  });

  it('resolves aliases and numeric strings', () => {
    const p = validateParams({ learning_rate: '0.1', reg_lambda: 2, reg_alpha: 0.5, min_split_loss: 1, random_state: 7, max_depth: '4' });
    assert.deepEqual([p.eta, p.lambda, p.alpha, p.gamma, p.seed, p.max_depth], [0.1, 2, 0.5, 1, 7, 4]);
  });

  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ foo: 1 }, /unknown parameter "foo"/],
    [{ n_estimators: 100 }, /unknown parameter "n_estimators"/],
    [{ eta: 0 }, /eta must be in \(0, 1\]/],
    [{ eta: 1.5 }, /eta must be in \(0, 1\]/],
    [{ learning_rate: -1 }, /learning_rate must be in/],
    [{ max_depth: 2.5 }, /max_depth must be an integer/],
    [{ subsample: 0 }, /subsample must be in \(0, 1\]/],
    [{ colsample_bytree: 1.1 }, /colsample_bytree/],
    [{ lambda: -1 }, /lambda must be in \[0, inf\)/],
    [{ max_bin: 1 }, /max_bin/],
    [{ eta: 'fast' }, /eta must be a number/],
    [{ objective: 'rank:pairwise' }, /objective must be one of/],
    [{ objective: 'multi:softprob' }, /num_class must be at least 2/],
    [{ objective: 'reg:squarederror', num_class: 3 }, /num_class is only valid/],
    [{ objective: 'binary:logistic', base_score: 1 }, /base_score must be in \(0, 1\)/],
    [{ eta: 0.1, learning_rate: 0.2 }, /given twice/],
    [{ tree_method: 'exact' }, /tree_method must be "hist"/],
    [{ grow_policy: 'best' }, /grow_policy/],
    [{ eval_metric: 'auc,bogus' }, /eval_metric/],
    [{ max_depth: 0 }, /max_depth must be > 0/],
  ];
  for (const [params, re] of bad) {
    it(`rejects ${JSON.stringify(params)}`, () => {
      assert.throws(() => validateParams(params), (err: unknown) => err instanceof ConfigError && re.test(err.message));
    });
  }

  it('names the offending key in the error details', () => {
    try {
      validateParams({ colsample_bynode: 2 });
      assert.fail('no error');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.details.key, 'colsample_bynode');
    }
  });

  it('accepts max_depth 0 with lossguide, and eval_metric lists', () => {
    const p = validateParams({ grow_policy: 'lossguide', max_depth: 0, max_leaves: 8, eval_metric: ['rmse', 'mae'] });
    assert.equal(p.max_depth, 0);
    assert.deepEqual(p.eval_metric, ['rmse', 'mae']);
  });
});
