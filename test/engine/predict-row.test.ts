/**
 * One-row prediction (the serving path's) gives the batch predictor's margins bit for bit, on
 * every golden XGBoost model: trees of any depth, multi-class groups, missing values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Booster } from '../../functions/src/engine/booster.ts';
import { caseMatrix, cases, modelText } from './fixtures.ts';

describe('predictRowMargin', () => {
  for (const c of cases) {
    it(`${c.name}: equals predictMargin row by row`, () => {
      const booster = Booster.loadModel(modelText(c.name));
      const d = caseMatrix(c);
      const k = booster.numGroups;
      const batch = booster.predictMargin(d.data, d.nrow, d.ncol);
      const out = new Float32Array(k);
      for (let r = 0; r < d.nrow; r++) {
        booster.predictRowMargin(d.data.subarray(r * d.ncol, (r + 1) * d.ncol), out);
        for (let g = 0; g < k; g++) assert.equal(Object.is(out[g], batch[r * k + g]), true, `row ${r} group ${g}: ${out[g]} vs ${batch[r * k + g]}`);
      }
    });
  }
});
