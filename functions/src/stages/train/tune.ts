/**
 * Hyperparameter search of a full retrain: seeded random candidates (trial 0 is the config's
 * own setting) over max_depth, eta, min_child_weight, subsample, colsample_bytree and lambda,
 * scored per target by stratified CV with early stopping (which also picks the number of
 * rounds), pruned by successive halving: every rung keeps the best third of the candidates and
 * gives the survivors three times the rows; early rungs score on one fold, the last on all k.
 *
 * The size of the search (rows per rung) is planned from a fixed cost model of the engine so
 * that it fits `tuningBudgetSeconds` on the reference machine (2 workers): the plan depends on
 * data size and config only, never on the machine, so results are reproducible. A wall-clock
 * guard still stops the search between rungs on a slower machine; the report says so.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { TargetEncoding } from '../../models/labels.ts';
import type { Trial, TuningReport } from '../../models/manifest.ts';
import type { TrainingTable } from './dataset.ts';
import { fitMany, labelsOf, matrixOf, type FitJob } from './fit.ts';
import { configHyperParams, engineParams, type HyperParams } from './params.ts';
import { rng, sampleRows } from './random.ts';
import type { ProgressFn } from './result.ts';
import { stratifiedFolds } from './split.ts';

/** Survivors per rung: the best 1/ETA. */
export const ETA = 3;

/** Inputs of the search (training rows only; the test split never enters it). */
export interface TuneInput {
  /** Scaled training features, row-major. */
  values: Float32Array;
  ncol: number;
  table: TrainingTable;
  /** Stratum key per training row. */
  keys: Int32Array;
  targets: readonly TargetEncoding[];
  config: RetrainingConfig;
  folds: number;
  workers?: number;
  onProgress?: ProgressFn;
  /** Defaults to `strategies.full.tuningBudgetSeconds`. */
  budgetSeconds?: number;
}

/** The chosen setting per target and the report for the manifest. */
export interface TuneOutput {
  choice: Record<string, { hp: HyperParams; rounds: number }>;
  report: TuningReport;
}

const r4 = (v: number) => Number(v.toPrecision(4));

/** Candidate `i` of the search (0 = the config's setting). */
export function sampleCandidates(n: number, base: HyperParams, seed: number): HyperParams[] {
  const random = rng(seed, 7);
  const logU = (lo: number, hi: number) => Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo)));
  const out: HyperParams[] = [base];
  for (let i = 1; i < n; i++) {
    out.push({
      max_depth: 3 + Math.floor(random() * 6),
      eta: r4(logU(0.05, 0.3)),
      min_child_weight: r4(logU(0.5, 10)),
      subsample: r4(0.6 + random() * 0.4),
      colsample_bytree: r4(0.6 + random() * 0.4),
      lambda: r4(logU(0.1, 10)),
    });
  }
  return out;
}

/** Candidates evaluated in each rung: n, ⌈n/3⌉, … down to at most ETA−1 (at least one rung). */
export function rungSizes(n: number): number[] {
  const sizes = [n];
  while (sizes[sizes.length - 1] >= ETA) sizes.push(Math.ceil(sizes[sizes.length - 1] / ETA));
  return sizes;
}

/** Workers the cost model assumes (the Cloud Function's and the reference machine's cores). */
export const REFERENCE_WORKERS = 2;

/** One rung of the plan. */
export interface Rung {
  candidates: number;
  rows: number;
  folds: number;
}

/**
 * Cost model: CPU ms of one tree grown on `n` rows by the TypeScript engine, early stopping
 * included — calibrated on bench:train (10k rows: 21 CPU-s measured for a plan this model puts
 * at 30), kept pessimistic for a busy machine.
 */
export function treeMs(n: number): number {
  return 0.4 + 0.00012 * n;
}

/** Cost model: rounds a fit runs before early stopping, as a share of the maximum. */
export const ROUNDS_SHARE = 0.75;

/** Predicted CPU ms of a rung for one target tree-group (× trees per round for all targets). */
function rungMs(g: Rung, folds: number, rounds: number): number {
  return g.candidates * g.folds * rounds * treeMs((g.rows * (folds - 1)) / folds);
}

/**
 * The rungs: candidate counts n, ⌈n/3⌉, …; rows grow ×3 per rung up to the largest size whose
 * predicted cost fits the budget (never more than the training rows, never fewer than 40 per
 * fold); one fold per rung except the last, which uses all `folds`.
 */
export function planSearch(opts: { rows: number; trials: number; folds: number; budgetSeconds: number; treesPerRound: number; maxRounds: number }): Rung[] {
  const sizes = rungSizes(opts.trials);
  const last = sizes.length - 1;
  const rounds = Math.ceil(opts.maxRounds * ROUNDS_SHARE);
  const minRows = Math.min(opts.rows, 40 * opts.folds);
  const shape = (top: number): Rung[] =>
    sizes.map((candidates, r) => ({ candidates, rows: Math.max(minRows, Math.min(opts.rows, Math.round(top / ETA ** (last - r)))), folds: r === last ? opts.folds : 1 }));
  const cost = (plan: Rung[]) => (plan.reduce((ms, g) => ms + rungMs(g, opts.folds, rounds), 0) * opts.treesPerRound) / REFERENCE_WORKERS;
  const budgetMs = opts.budgetSeconds * 1000 * 0.8;
  let lo = minRows;
  let hi = opts.rows;
  if (cost(shape(hi)) <= budgetMs) return shape(hi);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cost(shape(mid)) <= budgetMs) lo = mid;
    else hi = mid;
  }
  return shape(lo);
}

interface Score {
  score: number;
  bestRounds: number;
}

/** Run the search. */
export async function tuneHyperParams(input: TuneInput): Promise<TuneOutput> {
  const { config, targets, folds } = input;
  const started = performance.now();
  const budgetSeconds = input.budgetSeconds ?? config.strategies.full.tuningBudgetSeconds;
  const deadline = started + budgetSeconds * 1000;
  const seed = config.training.seed;
  const candidates = sampleCandidates(config.strategies.full.tuningTrials, configHyperParams(config), seed);
  const n = input.table.rows;
  const maxRounds = config.training.rounds;
  const treesPerRound = targets.reduce((a, t) => a + (t.kind === 'class' ? t.labels.length : 1), 0);
  const plan = planSearch({ rows: n, trials: candidates.length, folds, budgetSeconds, treesPerRound, maxRounds });
  const totalJobs = plan.reduce((a, g) => a + g.candidates * g.folds * targets.length, 0);

  const trials: Record<string, Trial[]> = Object.fromEntries(targets.map((t) => [t.name, candidates.map((hp, i) => ({ trial: i, params: { ...hp }, rungs: [] }))]));
  let alive: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, candidates.map((_, i) => i)]));
  let done = 0;
  let budgetExhausted = false;
  let completed = 0;
  let lastRungMs = 0;
  let lastRungCost = 0;

  for (let rung = 0; rung < plan.length; rung++) {
    const { rows, folds: used } = plan[rung];
    const cost = rungMs(plan[rung], folds, maxRounds);
    if (rung > 0 && performance.now() + (lastRungMs * cost) / lastRungCost > deadline) {
      budgetExhausted = true;
      break;
    }
    const t0 = performance.now();
    const subset = sampleRows(n, rows, rng(seed, 100 + rung));
    const splits = stratifiedFolds(input.keys, subset, folds, seed + rung).slice(0, used);
    const jobs: FitJob[] = [];
    const owners: Array<{ target: string; trial: number }> = [];
    const mats = splits.map((s) => ({ split: s, train: matrixOf(input.values, input.ncol, s.train), valid: matrixOf(input.values, input.ncol, s.heldOut) }));
    for (const t of targets) {
      const column = t.kind === 'class' ? input.table.classes[t.name] : input.table.vars[t.name];
      const labelled = mats.map((m) => ({ data: m.train, label: labelsOf(column, m.split.train), valid: { data: m.valid, label: labelsOf(column, m.split.heldOut) } }));
      for (const i of alive[t.name]) {
        for (const m of labelled) {
          jobs.push({ params: engineParams(t, candidates[i], config), numBoostRound: maxRounds, earlyStoppingRounds: config.training.earlyStoppingRounds, ...m });
          owners.push({ target: t.name, trial: i });
        }
      }
    }
    const results = await fitMany(jobs, {
      workers: input.workers,
      onDone: () => input.onProgress?.({ phase: 'tune', done: ++done, total: totalJobs, detail: `rung ${rung + 1}/${plan.length}` }),
    });
    // Mean over folds of the best validation score and of the rounds it took.
    const acc = new Map<string, { sum: number; rounds: number; k: number }>();
    results.forEach((r, j) => {
      const key = `${owners[j].target}#${owners[j].trial}`;
      const best = r.bestIteration ?? r.validHistory.length - 1;
      const a = acc.get(key) ?? { sum: 0, rounds: 0, k: 0 };
      a.sum += r.validHistory[best] ?? Number.POSITIVE_INFINITY;
      a.rounds += best + 1;
      a.k += 1;
      acc.set(key, a);
    });
    const next: Record<string, number[]> = {};
    for (const t of targets) {
      const scored: Array<{ i: number } & Score> = alive[t.name].map((i) => {
        const a = acc.get(`${t.name}#${i}`)!;
        return { i, score: Number((a.sum / a.k).toPrecision(10)), bestRounds: Math.max(1, Math.round(a.rounds / a.k)) };
      });
      for (const s of scored) trials[t.name][s.i].rungs.push({ rung, rows, folds: used, maxRounds, score: s.score, bestRounds: s.bestRounds });
      scored.sort((a, b) => a.score - b.score || a.i - b.i);
      next[t.name] = scored.slice(0, plan[rung + 1]?.candidates ?? 1).map((s) => s.i);
    }
    alive = next;
    completed = rung + 1;
    lastRungMs = performance.now() - t0;
    lastRungCost = cost;
  }

  const choice: TuneOutput['choice'] = {};
  const report: TuningReport = {
    method: 'successive-halving',
    folds,
    trials: candidates.length,
    rungs: completed,
    plan,
    budgetSeconds,
    elapsedMs: Math.round(performance.now() - started),
    budgetExhausted,
    metricByKind: { class: 'mlogloss', var: 'rmse' },
    targets: {},
  };
  for (const t of targets) {
    // The best candidate of the last completed rung (alive is sorted best first).
    const i = alive[t.name][0];
    const last = trials[t.name][i].rungs[trials[t.name][i].rungs.length - 1];
    choice[t.name] = { hp: candidates[i], rounds: last.bestRounds };
    report.targets[t.name] = {
      trials: trials[t.name],
      chosen: { trial: i, params: { ...candidates[i] }, numBoostRound: last.bestRounds, cvScore: last.score },
    };
  }
  return { choice, report };
}
