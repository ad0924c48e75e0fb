/**
 * A strict check of a 5-field unix-cron expression (`minute hour day-of-month month
 * day-of-week`), the format Cloud Scheduler reads `pipeline.schedule` in. Each field is `*` or a
 * comma list of values, ranges `a-b` and steps (`*\/n`, `a-b/n`, `a/n`), within the field's bounds;
 * months and weekdays may be named (`JAN`, `MON`). Checked only, never evaluated.
 */

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // 0 and 7 are both Sunday.
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

function value(text: string, f: Field): number | null {
  if (/^\d{1,2}$/.test(text)) {
    const n = Number(text);
    return n >= f.min && n <= f.max ? n : null;
  }
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  return i < 0 ? null : i + (f.name === 'month' ? 1 : 0);
}

function itemProblem(item: string, f: Field): string | null {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) return `"${item}" has two steps`;
  if (step !== undefined && !(/^\d{1,2}$/.test(step) && Number(step) >= 1 && Number(step) <= f.max)) return `step "${step}" is not a number 1–${f.max}`;
  if (range === '*') return null;
  const [a, b, more] = range.split('-');
  if (more !== undefined) return `"${range}" is not a range a-b`;
  const lo = value(a, f);
  if (lo === null) return `"${a}" is not a ${f.name} (${f.min}–${f.max})`;
  if (b === undefined) return null;
  const hi = value(b, f);
  if (hi === null) return `"${b}" is not a ${f.name} (${f.min}–${f.max})`;
  return hi < lo ? `range "${range}" runs backwards` : null;
}

/** Why `expr` is not a 5-field cron expression, or null when it is one. */
export function cronProblem(expr: string): string | null {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const f = FIELDS[i];
    for (const item of fields[i].split(',')) {
      const problem = item === '' ? 'an empty list item' : itemProblem(item, f);
      if (problem) return `${f.name} field "${fields[i]}": ${problem}`;
    }
  }
  return null;
}
