/**
 * `retrain xgb`: train, predict with and inspect XGBoost-compatible models from CSV files with the
 * built-in engine. Models are XGBoost JSON, so they move freely between this CLI and XGBoost.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { Booster, DMatrix, train, validateParams, type BoosterParams } from '../../engine/index.ts';
import { ConfigError, DataError, PipelineError } from '../../shared/errors.ts';
import { createOutput } from '../output.ts';

/** A CSV file read as a numeric matrix. */
interface Table {
  file: string;
  header: string[] | null;
  rows: string[][];
}

/** Longest piece of a file's content echoed in an error message (a 50 MB header is not). */
const MAX_ECHO = 200;

/** `text`, cut to at most MAX_ECHO characters with a note of how long it was. */
function clip(text: string): string {
  if (text.length <= MAX_ECHO) return text;
  const note = `… (${text.length} characters)`;
  return `${text.slice(0, MAX_ECHO - note.length)}${note}`;
}

function readTable(file: string, opts: { requireHeader: boolean }): Table {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read ${file}: ${(err as Error).message}`, { stage: 'cli', code: 'FILE_UNREADABLE', cause: err });
  }
  let rows: string[][];
  try {
    // `bom`: a UTF-8 byte order mark (spreadsheet exports) is not part of the first column's name.
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (err) {
    throw new DataError(`${file}: malformed CSV: ${clip((err as Error).message)}`, { stage: 'cli', code: 'CSV_INVALID', cause: err });
  }
  if (!rows.length) throw new DataError(`${file} is empty`, { stage: 'cli', code: 'CSV_INVALID' });
  const first = rows[0];
  const hasHeader = opts.requireHeader || first.some((c) => c !== '' && !isNumericCell(c));
  if (hasHeader) {
    const seen = new Set<string>();
    const dup = first.find((c) => (seen.has(c) ? true : (seen.add(c), false)));
    if (dup !== undefined) throw new DataError(`${file}: the header names column "${clip(dup)}" twice`, { stage: 'cli', code: 'CSV_INVALID', details: { column: clip(dup) } });
  }
  return { file, header: hasHeader ? first : null, rows: hasHeader ? rows.slice(1) : rows };
}

function isNumericCell(c: string): boolean {
  return /^(nan|NaN|NA)$/.test(c) || Number.isFinite(Number(c));
}

/** Parse columns `cols` of every row into a row-major float32 matrix; empty cells are NaN. */
function toMatrix(t: Table, cols: number[]): Float32Array {
  const out = new Float32Array(t.rows.length * cols.length);
  const lineOffset = t.header ? 2 : 1;
  for (let r = 0; r < t.rows.length; r++) {
    const row = t.rows[r];
    for (let j = 0; j < cols.length; j++) {
      const cell = row[cols[j]];
      let v: number;
      if (cell === '' || cell === 'nan' || cell === 'NaN' || cell === 'NA') v = NaN;
      else {
        v = Number(cell);
        if (!Number.isFinite(v)) {
          const name = t.header ? `"${t.header[cols[j]]}"` : `${cols[j] + 1}`;
          throw new DataError(`${t.file}: row ${r + 1} (line ${r + lineOffset}), column ${clip(name)}: "${clip(cell)}" is not a number`, {
            stage: 'cli',
            code: 'CSV_NOT_NUMERIC',
            details: { file: t.file, row: r + 1, line: r + lineOffset, column: t.header ? clip(t.header[cols[j]]) : cols[j] + 1 },
          });
        }
      }
      out[r * cols.length + j] = v;
    }
  }
  return out;
}

/** Features and label of a training/eval CSV (header required). */
function labelled(file: string, labelCol: string, drop: string[], expected?: string[]): DMatrix {
  const t = readTable(file, { requireHeader: true });
  const header = t.header!;
  const li = header.indexOf(labelCol);
  if (li < 0) throw new ConfigError(`${file}: no column "${clip(labelCol)}" for --label (columns: ${clip(header.join(', '))})`, { key: 'label' });
  for (const d of drop) if (!header.includes(d)) throw new ConfigError(`${file}: no column "${clip(d)}" to --drop`, { key: 'drop' });
  if (!t.rows.length) throw new DataError(`${file}: a header and no data rows: nothing to train on`, { stage: 'cli', code: 'CSV_EMPTY' });
  let names = header.filter((h, i) => i !== li && !drop.includes(h));
  if (expected) {
    const missing = expected.filter((n) => !header.includes(n));
    if (missing.length) throw new DataError(`${file}: missing feature columns ${clip(missing.join(', '))}`, { stage: 'cli', code: 'FEATURE_MISMATCH', details: { columns: missing } });
    names = expected;
  }
  const cols = names.map((n) => header.indexOf(n));
  const data = toMatrix(t, cols);
  const label = toMatrix(t, [li]);
  for (let r = 0; r < label.length; r++) {
    if (Number.isNaN(label[r])) throw new DataError(`${file}: row ${r + 1} (line ${r + 2}), column "${labelCol}": the label is empty`, { stage: 'cli', code: 'CSV_NOT_NUMERIC', details: { row: r + 1, column: labelCol } });
  }
  return new DMatrix(data, t.rows.length, cols.length, { label, featureNames: names });
}

function parseParams(pairs: string[]): BoosterParams {
  const out: BoosterParams = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--param expects key=value, got "${p}"`, { key: 'param' });
    out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

function intOption(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`--${name} must be an integer >= ${min}, got "${v}"`, { key: name });
  return n;
}

function loadModelFile(file: string): Booster {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(`cannot read model ${file}: ${(err as Error).message}`, { stage: 'cli', code: 'FILE_UNREADABLE', cause: err });
  }
  try {
    return Booster.loadModel(text);
  } catch (err) {
    if (err instanceof PipelineError) throw new DataError(`${file}: ${err.message}`, { stage: 'cli', code: err.code, details: err.details, cause: err });
    throw err;
  }
}

/** Re-label engine row errors (0-based rows) with the file and 1-based row. */
function inFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DataError && typeof err.details.row === 'number') {
      const row = err.details.row + 1;
      throw new DataError(`${file}: row ${row} (line ${row + 1}): ${err.message.replace(/ of row \d+/, '')}`, { stage: 'cli', code: err.code, details: { ...err.details, row }, cause: err });
    }
    throw err;
  }
}

type TrainOpts = {
  data: string;
  label: string;
  drop?: string;
  objective: string;
  numClass?: string;
  rounds: string;
  param?: string[];
  eval?: string;
  earlyStopping?: string;
  continue?: string;
  out: string;
  json?: boolean;
};

function runTrain(o: TrainOpts): void {
  const out = createOutput({ json: o.json });
  const drop = o.drop ? o.drop.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const params: BoosterParams = { ...parseParams(o.param ?? []), objective: o.objective };
  const k = intOption('num-class', o.numClass, 2);
  if (k !== undefined) params.num_class = k;
  const rounds = intOption('rounds', o.rounds, 0)!;
  if (!o.continue) validateParams(params); // fail on a bad parameter before reading any data
  const esr = intOption('early-stopping', o.earlyStopping, 1);
  const base = o.continue ? loadModelFile(o.continue) : undefined;
  const dtrain = labelled(o.data, o.label, drop, base?.featureNames);
  const evals = o.eval ? [{ name: 'eval', data: labelled(o.eval, o.label, drop, dtrain.featureNames) }] : [];
  if (esr !== undefined && !evals.length) throw new ConfigError('--early-stopping needs --eval', { key: 'early-stopping' });
  out.info(`training ${o.objective} on ${dtrain.nrow} rows × ${dtrain.ncol} features, ${rounds} rounds${base ? ` after ${base.numBoostedRounds()} existing` : ''}`);
  const bar = out.progress('train', rounds);
  const booster = inFile(o.data, () =>
    train(params, dtrain, {
      numBoostRound: rounds,
      evals,
      earlyStoppingRounds: esr,
      xgbModel: base,
      onIteration: ({ evals: ev }) => {
        const e = ev.eval;
        bar.tick(1, e ? Object.entries(e).map(([m, v]) => `${m}=${v.toFixed(5)}`).join(' ') : undefined);
      },
    }),
  );
  bar.stop();
  writeFileSync(o.out, booster.saveModel());
  const last = Object.fromEntries(Object.entries(booster.evalsResult.eval ?? {}).map(([m, v]) => [m, v[v.length - 1]]));
  out.result(
    { status: 'ok', out: o.out, rounds: booster.numBoostedRounds(), trees: booster.trees.length, bestIteration: esr ? booster.bestIteration : undefined, bestScore: booster.bestScore, eval: last },
    (v) => `wrote ${v.out}: ${v.rounds} rounds, ${v.trees} trees${v.bestIteration !== undefined ? `, best iteration ${v.bestIteration} (${v.bestScore})` : ''}${Object.keys(last).length ? `\neval: ${JSON.stringify(last)}` : ''}`,
  );
}

function runPredict(o: { model: string; data: string; out: string; margin?: boolean; json?: boolean }): void {
  const out = createOutput({ json: o.json });
  const booster = loadModelFile(o.model);
  const t = readTable(o.data, { requireHeader: false });
  // The model's feature names, else XGBoost's default names f0…f{n-1} when the header has them.
  const defaults = Array.from({ length: booster.numFeature }, (_, i) => `f${i}`);
  const names = booster.featureNames ?? (t.header && defaults.every((n) => t.header!.includes(n)) ? defaults : undefined);
  let cols: number[];
  if (t.header && names && names.every((n) => t.header!.includes(n))) cols = names.map((n) => t.header!.indexOf(n));
  else if ((t.header ?? t.rows[0]).length === booster.numFeature) cols = Array.from({ length: booster.numFeature }, (_, i) => i);
  else {
    const have = (t.header ?? t.rows[0]).length;
    const missing = names && t.header ? names.filter((n) => !t.header!.includes(n)) : [];
    throw new DataError(`${o.data}: the model expects ${booster.numFeature} features, the CSV has ${have} columns${missing.length ? ` and lacks ${missing.join(', ')}` : ''}`, {
      stage: 'cli',
      code: 'FEATURE_MISMATCH',
      details: { expected: booster.numFeature, columns: have, missing },
    });
  }
  const d = new DMatrix(toMatrix(t, cols), t.rows.length, cols.length);
  const preds = booster.predict(d, { outputMargin: !!o.margin });
  const per = preds.length / d.nrow;
  const header = per > 1 ? Array.from({ length: per }, (_, j) => `p${j}`) : ['prediction'];
  const lines = [header.join(',')];
  for (let r = 0; r < d.nrow; r++) {
    const cells: string[] = [];
    for (let j = 0; j < per; j++) cells.push(String(preds[r * per + j]));
    lines.push(cells.join(','));
  }
  writeFileSync(o.out, `${lines.join('\n')}\n`);
  out.result({ status: 'ok', out: o.out, rows: d.nrow, columns: header }, (v) => `wrote ${v.rows} predictions to ${v.out} (${v.columns.join(', ')})`);
}

function runInfo(o: { model: string; json?: boolean }): void {
  const out = createOutput({ json: o.json });
  const b = loadModelFile(o.model);
  const gain = b.featureImportance('gain');
  const weight = b.featureImportance('weight');
  const info = {
    objective: b.params.objective,
    numClass: b.params.objective.startsWith('multi:') ? b.params.num_class : undefined,
    baseScore: b.params.base_score,
    rounds: b.numBoostedRounds(),
    trees: b.trees.length,
    features: b.featureNames ?? b.numFeature,
    attributes: b.attributes(),
    importance: Object.fromEntries(Object.entries(gain).sort((a, c) => c[1] - a[1]).map(([f, g]) => [f, { gain: g, weight: weight[f] }])),
  };
  out.result(info, (v) => {
    const lines = [
      `objective   ${v.objective}${v.numClass ? ` (${v.numClass} classes)` : ''}`,
      `base_score  ${v.baseScore}`,
      `rounds      ${v.rounds} (${v.trees} trees)`,
      `features    ${Array.isArray(v.features) ? `${v.features.length}: ${v.features.join(', ')}` : v.features}`,
      `attributes  ${JSON.stringify(v.attributes)}`,
      'importance (average gain, splits):',
      ...Object.entries(v.importance as Record<string, { gain: number; weight: number }>).map(([f, s]) => `  ${f.padEnd(24)} ${s.gain.toFixed(4).padStart(12)} ${String(s.weight).padStart(6)}`),
    ];
    return lines.join('\n');
  });
}

/** Register `xgb` and its subcommands. */
export function registerXgb(program: Command): void {
  const xgb = program
    .command('xgb')
    .description('Train, predict with and inspect XGBoost-compatible models (built-in engine, XGBoost JSON files)')
    .addHelpText(
      'after',
      '\nExamples:\n  retrain xgb train --data train.csv --label y --objective reg:squarederror --rounds 100 --out model.json\n  retrain xgb predict --model model.json --data test.csv --out preds.csv\n  retrain xgb info --model model.json --json',
    );
  xgb
    .command('train')
    .description('Train a model from a CSV with a header; writes XGBoost JSON')
    .requiredOption('--data <file>', 'training CSV (header row required; empty cells = missing)')
    .requiredOption('--label <column>', 'label column')
    .option('--drop <columns>', 'comma-separated columns to ignore')
    .requiredOption('--objective <name>', 'reg:squarederror | reg:pseudohubererror | binary:logistic | multi:softprob | multi:softmax')
    .option('--num-class <k>', 'classes for multi:* objectives')
    .option('--rounds <n>', 'boosting rounds', '10')
    .option('--param <key=value...>', 'booster parameters with XGBoost names (several after one --param, or --param repeated)')
    .option('--eval <file>', 'evaluation CSV (same columns)')
    .option('--early-stopping <n>', 'stop when the eval metric has not improved for n rounds')
    .option('--continue <model.json>', 'add trees to this model (XGBoost xgb_model)')
    .requiredOption('--out <model.json>', 'where to write the model')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExamples:\n  retrain xgb train --data train.csv --label y --objective reg:squarederror --rounds 100 --param max_depth=6 eta=0.1 --out model.json\n  retrain xgb train --data train.csv --label cls --objective multi:softprob --num-class 3 --eval valid.csv --early-stopping 10 --out m.json\n  retrain xgb train --data new.csv --label y --objective reg:squarederror --rounds 20 --continue model.json --out model2.json',
    )
    .action((o: TrainOpts) => runTrain(o));
  xgb
    .command('predict')
    .description('Predict every row of a CSV; one output row per input row')
    .requiredOption('--model <model.json>', 'XGBoost JSON model (ours or XGBoost\'s)')
    .requiredOption('--data <file>', 'CSV; columns are matched by the model\'s feature names when it has a header')
    .requiredOption('--out <preds.csv>', 'output CSV: p0…p{K-1} for multi:softprob, else "prediction"')
    .option('--margin', 'raw margins instead of probabilities/values')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  retrain xgb predict --model model.json --data test.csv --out preds.csv\n  retrain xgb predict --model model.json --data test.csv --out margins.csv --margin')
    .action((o) => runPredict(o));
  xgb
    .command('info')
    .description('Show objective, trees, rounds, features and feature importance of a model')
    .requiredOption('--model <model.json>', 'XGBoost JSON model')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  retrain xgb info --model model.json\n  retrain xgb info --model model.json --json')
    .action((o) => runInfo(o));
}
