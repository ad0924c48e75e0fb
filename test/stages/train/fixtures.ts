/**
 * Test fixtures of the training stage: a seeded generator of collected-CSV text with a learnable
 * signal (classes and variables depend on a few features, plus noise).
 */
import { FEATURE_COLUMNS, FEATURE_SPECS } from '../../../functions/src/data/features.ts';
import { CLASS_LABELS, TARGET_CLASS_COLUMNS, TARGET_VAR_COLUMNS } from '../../../functions/src/data/targets.ts';
import { rng } from '../../../functions/src/stages/train/random.ts';

/** Options of the generator. */
export interface CsvOptions {
  rows: number;
  seed?: number;
  /** Moves the relation between features and targets (a new population to learn). */
  shift?: number;
  /** Share of label noise; 1 makes every target (classes and variables) pure noise. */
  noise?: number;
  /** An id column first, as the collector may write. */
  withId?: boolean;
}

/** Rows of features and targets with a signal. */
export function makeRows(opts: CsvOptions): Array<Record<string, string>> {
  const random = rng(opts.seed ?? 1, 3);
  const shift = opts.shift ?? 0;
  const noise = opts.noise ?? 0.1;
  const out: Array<Record<string, string>> = [];
  for (let r = 0; r < opts.rows; r++) {
    const f = FEATURE_SPECS.map((s) => (s.optional && random() < 0.1 ? NaN : s.min + random() * (Math.min(s.max, s.min + 10) - s.min)));
    const a = Number.isNaN(f[0]) ? 0.5 : (f[0] - FEATURE_SPECS[0].min) / 10;
    const b = (f[2] - 0.5) / 4.5;
    const c = (f[3]) / 3;
    const pick = (labels: readonly string[], score: number) => {
      if (random() < noise) return labels[Math.floor(random() * labels.length)];
      const s = Math.min(0.999, Math.max(0, score + shift));
      return labels[Math.floor(s * labels.length)];
    };
    const row: Record<string, string> = {};
    if (opts.withId) row.session_id = `s${r}`;
    FEATURE_COLUMNS.forEach((col, i) => (row[col] = Number.isNaN(f[i]) ? '' : f[i].toFixed(5)));
    row.css_class_density = pick(CLASS_LABELS.css_class_density, a);
    row.css_class_font = pick(CLASS_LABELS.css_class_font, b);
    row.css_class_theme = pick(CLASS_LABELS.css_class_theme, (a + c) / 2);
    TARGET_VAR_COLUMNS.forEach((col, j) => {
      const v = noise >= 1 ? 1 + random() * 2 : 1 + j * 0.1 + a * (j % 3) + b * (1 + shift) - c * 0.5 + (random() - 0.5) * 0.1;
      row[col] = v.toFixed(5);
    });
    out.push(row);
  }
  return out;
}

/** CSV text of rows (columns in the collector's order). */
export function toCsv(rows: Array<Record<string, string>>): string {
  const cols = Object.keys(rows[0] ?? Object.fromEntries([...FEATURE_COLUMNS, ...TARGET_CLASS_COLUMNS, ...TARGET_VAR_COLUMNS].map((c) => [c, ''])));
  return `${cols.join(',')}\n${rows.map((r) => cols.map((c) => r[c]).join(',')).join('\n')}\n`;
}

/** CSV text straight from the generator. */
export function makeCsv(opts: CsvOptions): string {
  return toCsv(makeRows(opts));
}

