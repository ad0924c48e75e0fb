/** Loads the golden XGBoost fixtures (test/fixtures/xgboost, made by scripts/make-xgb-fixtures.py). */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DMatrix } from '../../functions/src/engine/index.ts';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'xgboost');

export interface FixtureCase {
  name: string;
  label: string;
  weight: boolean;
  dataset: 'data' | 'big';
  featureNames: boolean;
  params: Record<string, unknown>;
  rounds: number;
  continueRounds?: number;
  early?: number;
  bestIteration?: number;
  bestScore?: number;
  evalsResult?: Record<string, Record<string, number[]>>;
  pred: number[];
  margin: number[];
  leaf: number[];
  predRange?: { range: [number, number]; pred: number[] };
  importance: Record<string, Record<string, number>>;
  metrics: Record<string, number>;
}

export const cases: FixtureCase[] = JSON.parse(readFileSync(path.join(FIXTURES, 'cases.json'), 'utf8')).cases;

export function fixtureCase(name: string): FixtureCase {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`no fixture case ${name}`);
  return c;
}

/** A CSV of the fixtures as features (f0..f4) and named columns. */
export function readCsv(file: string): { X: Float32Array; nrow: number; ncol: number; columns: Record<string, Float32Array> } {
  const lines = readFileSync(path.join(FIXTURES, file), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const feats = header.filter((h) => /^f\d+$/.test(h));
  const nrow = lines.length - 1;
  const X = new Float32Array(nrow * feats.length);
  const columns: Record<string, Float32Array> = Object.fromEntries(header.map((h) => [h, new Float32Array(nrow)]));
  for (let r = 0; r < nrow; r++) {
    const cells = lines[r + 1].split(',');
    header.forEach((h, j) => {
      const v = cells[j] === '' ? NaN : Number(cells[j]);
      columns[h][r] = v;
      if (j < feats.length) X[r * feats.length + j] = v;
    });
  }
  return { X, nrow, ncol: feats.length, columns };
}

/** The training matrix of a fixture case. */
export function caseMatrix(c: FixtureCase): DMatrix {
  const t = readCsv(c.dataset === 'big' ? 'big.csv' : 'data.csv');
  return new DMatrix(t.X, t.nrow, t.ncol, {
    label: t.columns[c.label],
    weight: c.weight ? t.columns.w : undefined,
    featureNames: c.featureNames ? Array.from({ length: t.ncol }, (_, j) => `f${j}`) : undefined,
  });
}

export function modelText(name: string): string {
  return readFileSync(path.join(FIXTURES, 'models', `${name}.json`), 'utf8');
}

/** Largest absolute difference, failing on length mismatch. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** True when Debian's python3 with xgboost is available for live cross-checks. */
export const hasPythonXgboost: boolean = spawnSync('/usr/bin/python3', ['-c', 'import xgboost'], { stdio: 'ignore' }).status === 0;
