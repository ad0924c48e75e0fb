import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DMatrix, train, type Booster } from '../../../functions/src/engine/index.ts';
import { predictBundle } from '../../../functions/src/models/bundle.ts';
import { fitScaler } from '../../../functions/src/models/scaler.ts';
import { parseTrainingCsv } from '../../../functions/src/stages/train/dataset.ts';
import { marginsToPredictions, parentMargins, scaledMatrix, updatedMargins } from '../../../functions/src/stages/train/margins.ts';
import { defaultTargets } from '../../../functions/src/stages/train/targets.ts';
import { makeCsv } from './fixtures.ts';

describe('incremental evaluation by margins', () => {
  it('gives the same metrics as predicting the updated models in full', async () => {
    const targets = defaultTargets().filter((t) => t.name === 'css_class_font' || t.name === 'css_var_3');
    const table = parseTrainingCsv(makeCsv({ rows: 150, seed: 8 }), 'x.csv', targets);
    const scaler = fitScaler(table.values, table.rows, table.features);
    const dm = scaledMatrix(scaler, table.values, table.rows);
    const label = (t: (typeof targets)[number]) => Float32Array.from(t.kind === 'class' ? table.classes[t.name] : table.vars[t.name]);
    const parents: Record<string, Booster> = {};
    const updated: Record<string, Booster> = {};
    for (const t of targets) {
      const params = t.kind === 'class' ? { objective: 'multi:softprob', num_class: 3, max_depth: 3 } : { objective: 'reg:squarederror', max_depth: 3 };
      const d = new DMatrix(dm.data, dm.nrow, dm.ncol, { label: label(t) });
      parents[t.name] = train(params, d, { numBoostRound: 5 });
      updated[t.name] = train({ ...params, eta: 0.2 }, d, { numBoostRound: 3, xgbModel: parents[t.name] });
    }
    const base = await parentMargins(parents, targets, dm);
    const viaMargins = marginsToPredictions(updatedMargins(base, updated, targets, dm, { css_class_font: 5, css_var_3: 5 }), targets);
    const direct = predictBundle({ scaler, labels: { targets }, boosters: updated }, table.values, table.rows);
    for (const t of targets) {
      const a = viaMargins[t.name];
      const b = direct[t.name];
      assert.equal(a.length, b.length);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `${t.name}[${i}]: ${a[i]} vs ${b[i]}`);
    }
  });
});
