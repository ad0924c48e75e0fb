#!/usr/bin/python3
"""Golden fixtures for the engine tests, made by real XGBoost (Debian python3-xgboost 1.7).

Run from the repository root:  /usr/bin/python3 scripts/make-xgb-fixtures.py
Writes test/fixtures/xgboost/: data.csv (features f0..f4 with empty cells for missing, plus label
columns), cases.json (parameters, rounds, predictions, margins, leaf indices, importance and
metrics of every case) and models/<case>.json (XGBoost's JSON model files).

Most datasets have at most max_bin distinct values per feature, so XGBoost's cut points are the
distinct values themselves and a compatible engine must reproduce the trees exactly.
"""
import json
import os

import numpy as np
import xgboost as xgb

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'xgboost')
N, NCOL = 200, 5


def make_data(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, NCOL)).astype(np.float32)
    X[:, 3] = np.round(X[:, 3] * 2)  # few distinct values
    X[rng.random((n, NCOL)) < 0.08] = np.nan
    x = np.nan_to_num(X)
    labels = {
        'y_reg': (2 * np.sin(x[:, 0]) + x[:, 1] * x[:, 2] + 0.5 * x[:, 3] + rng.normal(size=n) * 0.2).astype(np.float32),
        'y_bin': ((x[:, 0] + x[:, 2] * x[:, 1] + rng.normal(size=n) * 0.5) > 0).astype(np.float32),
        'y_cls': np.digitize(x[:, 0] + 0.5 * x[:, 3] + rng.normal(size=n) * 0.3, [-0.5, 0.6]).astype(np.float32),
        'w': rng.uniform(0.2, 2.0, size=n).astype(np.float32),
    }
    return X, labels


def write_csv(path, X, labels):
    cols = [f'f{j}' for j in range(NCOL)] + list(labels)
    with open(path, 'w') as f:
        f.write(','.join(cols) + '\n')
        for i in range(X.shape[0]):
            cells = ['' if np.isnan(v) else repr(float(v)) for v in X[i]]
            cells += [repr(float(labels[k][i])) for k in labels]
            f.write(','.join(cells) + '\n')


def main():
    os.makedirs(os.path.join(ROOT, 'models'), exist_ok=True)
    X, L = make_data(N, 7)
    Xv, Lv = make_data(100, 8)
    Xb, Lb = make_data(1500, 9)  # > 256 distinct values per feature: sketch cuts
    write_csv(os.path.join(ROOT, 'data.csv'), X, L)
    write_csv(os.path.join(ROOT, 'valid.csv'), Xv, Lv)
    write_csv(os.path.join(ROOT, 'big.csv'), Xb, Lb)
    names = [f'f{j}' for j in range(NCOL)]

    cases = [
        dict(name='reg', label='y_reg', rounds=10, params={'objective': 'reg:squarederror', 'max_depth': 3, 'eta': 0.3}),
        dict(name='reg_weighted', label='y_reg', weight=True, rounds=8,
             params={'objective': 'reg:squarederror', 'max_depth': 4, 'eta': 0.2, 'min_child_weight': 2, 'lambda': 2, 'alpha': 0.5}),
        dict(name='huber', label='y_reg', rounds=8, params={'objective': 'reg:pseudohubererror', 'max_depth': 3, 'huber_slope': 1.5}),
        dict(name='logistic', label='y_bin', rounds=10,
             params={'objective': 'binary:logistic', 'max_depth': 4, 'eta': 0.3, 'scale_pos_weight': 2, 'max_delta_step': 1, 'base_score': 0.3}),
        dict(name='softprob', label='y_cls', rounds=6, params={'objective': 'multi:softprob', 'num_class': 3, 'max_depth': 3, 'eta': 0.3}),
        dict(name='softmax', label='y_cls', rounds=6, params={'objective': 'multi:softmax', 'num_class': 3, 'max_depth': 2}),
        dict(name='lossguide', label='y_reg', rounds=8,
             params={'objective': 'reg:squarederror', 'grow_policy': 'lossguide', 'max_leaves': 6, 'max_depth': 0}),
        dict(name='gamma', label='y_reg', rounds=8, params={'objective': 'reg:squarederror', 'gamma': 3, 'max_depth': 5}),
        dict(name='lossguide_depth', label='y_reg', rounds=6,
             params={'objective': 'reg:squarederror', 'grow_policy': 'lossguide', 'max_leaves': 6, 'max_depth': 3, 'gamma': 0.5}),
        dict(name='depthwise_leaves', label='y_reg', rounds=6, params={'objective': 'reg:squarederror', 'max_leaves': 5, 'max_depth': 4}),
        dict(name='min_child_weight', label='y_bin', rounds=6, params={'objective': 'binary:logistic', 'min_child_weight': 8, 'max_depth': 5}),
        dict(name='l1', label='y_reg', rounds=6, params={'objective': 'reg:squarederror', 'alpha': 20, 'lambda': 0.1}),
        dict(name='softmax_weighted', label='y_cls', weight=True, rounds=6, params={'objective': 'multi:softmax', 'num_class': 3, 'max_depth': 4}),
        dict(name='huber_delta_step', label='y_reg', weight=True, rounds=6,
             params={'objective': 'reg:pseudohubererror', 'max_delta_step': 0.3, 'max_depth': 4, 'huber_slope': 0.7}),
        dict(name='names', label='y_reg', rounds=5, feature_names=True, params={'objective': 'reg:squarederror', 'max_depth': 2}),
        dict(name='early', label='y_bin', rounds=60, early=4,
             params={'objective': 'binary:logistic', 'max_depth': 4, 'eta': 0.6, 'eval_metric': ['error', 'logloss']}),
        dict(name='continue', label='y_reg', rounds=5, cont=5, params={'objective': 'reg:squarederror', 'max_depth': 3, 'eta': 0.3}),
        dict(name='big', label='y_reg', rounds=10, big=True, params={'objective': 'reg:squarederror', 'max_depth': 4, 'eta': 0.3}),
        dict(name='maxbin16', label='y_bin', rounds=10, big=True, params={'objective': 'binary:logistic', 'max_depth': 3, 'max_bin': 16}),
    ]
    out = {'xgboost_version': xgb.__version__, 'features': names, 'cases': []}
    for c in cases:
        Xc, Lc = (Xb, Lb) if c.get('big') else (X, L)
        params = dict(c['params'], tree_method='hist', seed=0)
        dtrain = xgb.DMatrix(Xc, label=Lc[c['label']], weight=Lc['w'] if c.get('weight') else None,
                             feature_names=names if c.get('feature_names') else None)
        evals_result = {}
        kwargs = {}
        if c.get('early'):
            dvalid = xgb.DMatrix(Xv, label=Lv[c['label']])
            kwargs = dict(evals=[(dvalid, 'valid')], early_stopping_rounds=c['early'], evals_result=evals_result, verbose_eval=False)
        booster = xgb.train(params, dtrain, c['rounds'], **kwargs)
        entry = dict(name=c['name'], label=c['label'], weight=bool(c.get('weight')), dataset='big' if c.get('big') else 'data',
                     featureNames=bool(c.get('feature_names')), params=c['params'], rounds=c['rounds'])
        if c.get('cont'):
            booster.save_model(os.path.join(ROOT, 'models', c['name'] + '_base.json'))
            booster = xgb.train(params, dtrain, c['cont'], xgb_model=booster)
            entry['continueRounds'] = c['cont']
        if c.get('early'):
            entry['early'] = c['early']
            entry['bestIteration'] = booster.best_iteration
            entry['bestScore'] = booster.best_score
            entry['evalsResult'] = evals_result
        booster.save_model(os.path.join(ROOT, 'models', c['name'] + '.json'))
        dpred = xgb.DMatrix(Xc, feature_names=names if c.get('feature_names') else None)
        entry['pred'] = booster.predict(dpred).astype(np.float32).ravel().tolist()
        entry['margin'] = booster.predict(dpred, output_margin=True).astype(np.float32).ravel().tolist()
        entry['leaf'] = booster.predict(dpred, pred_leaf=True).astype(np.int64).ravel().tolist()[: 20 * booster.num_boosted_rounds() * max(1, params.get('num_class', 1))]
        if booster.num_boosted_rounds() >= 4:
            entry['predRange'] = {'range': [1, 3], 'pred': booster.predict(dpred, iteration_range=(1, 3)).astype(np.float32).ravel().tolist()}
        entry['importance'] = {t: booster.get_score(importance_type=t) for t in ['weight', 'gain', 'cover', 'total_gain', 'total_cover']}
        metrics = {'reg:squarederror': ['rmse', 'mae'], 'reg:pseudohubererror': ['mphe'], 'binary:logistic': ['logloss', 'error', 'auc'],
                   'multi:softprob': ['mlogloss', 'merror'], 'multi:softmax': ['mlogloss', 'merror']}[params['objective']]
        entry['metrics'] = {}
        for m in metrics:
            booster.set_param({'eval_metric': m})
            text = booster.eval(dtrain, 'train')
            entry['metrics'][m] = float(text.split(':')[-1])
        out['cases'].append(entry)
    with open(os.path.join(ROOT, 'cases.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
