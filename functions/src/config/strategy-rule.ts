/**
 * The strategy rules of the original config: a condition names triggers and compares the days
 * since the last training, joined by `and`, `or`, `not` and parentheses —
 * `data_volume and time_since_last_days <= 14`, `performance or drift or time_since_last_days >= 21`.
 * A rule is parsed once (a bad one is a config error naming the problem) and evaluated against the
 * fired condition names and the age of the last training; the evaluation also says which parts
 * held, which is the recorded reason of the strategy.
 */

/** A parsed rule. */
export type Rule =
  | { kind: 'name'; name: string }
  | { kind: 'days'; op: '<' | '<=' | '>' | '>=' | '=='; value: number }
  | { kind: 'not'; rule: Rule }
  | { kind: 'and' | 'or'; rules: Rule[] };

/** What a rule is evaluated against. */
export interface RuleFacts {
  /** Condition names that fired (`data_volume`, `max_days_exceeded`, `manual`…). */
  fired: ReadonlySet<string>;
  /** Days since the last training (Infinity when never trained). */
  timeSinceLastDays: number;
}

const TOKEN = /\s*(\(|\)|<=|>=|==|<|>|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?)/y;
const DAYS = 'time_since_last_days';

/** Parse a rule; throws an Error saying where it went wrong. */
export function parseRule(text: string): Rule {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`unexpected "${text.slice(at).trim().slice(0, 10)}" at position ${at}`);
    tokens.push(m[1]);
  }
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expr = (): Rule => {
    const rules = [term()];
    while (peek() === 'or') {
      next();
      rules.push(term());
    }
    return rules.length === 1 ? rules[0] : { kind: 'or', rules };
  };
  const term = (): Rule => {
    const rules = [factor()];
    while (peek() === 'and') {
      next();
      rules.push(factor());
    }
    return rules.length === 1 ? rules[0] : { kind: 'and', rules };
  };
  const factor = (): Rule => {
    const t = next();
    if (t === undefined) throw new Error('unexpected end of the rule');
    if (t === 'not') return { kind: 'not', rule: factor() };
    if (t === '(') {
      const r = expr();
      if (next() !== ')') throw new Error('missing ")"');
      return r;
    }
    if (t === DAYS) {
      const op = next();
      const value = Number(next());
      if (!['<', '<=', '>', '>=', '=='].includes(op ?? '') || !Number.isFinite(value)) throw new Error(`${DAYS} needs a comparison with a number, e.g. "${DAYS} <= 14"`);
      return { kind: 'days', op: op as '<', value };
    }
    if (/^[A-Za-z_]/.test(t) && !['and', 'or'].includes(t)) return { kind: 'name', name: t };
    throw new Error(`unexpected "${t}"`);
  };
  const rule = expr();
  if (i < tokens.length) throw new Error(`unexpected "${tokens[i]}" after a complete rule`);
  return rule;
}

/** The problem with a rule's text, or null when it parses (for the config schema). */
export function ruleProblem(text: string): string | null {
  try {
    parseRule(text);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

const fmtDays = (d: number) => (Number.isFinite(d) ? String(Math.round(d * 100) / 100) : '∞ (never trained)');

/** Evaluate a rule; `because` lists the parts that made it hold (empty when it does not). */
export function evaluateRule(rule: Rule, facts: RuleFacts): { holds: boolean; because: string[] } {
  switch (rule.kind) {
    case 'name':
      return facts.fired.has(rule.name) ? { holds: true, because: [`${rule.name} fired`] } : { holds: false, because: [] };
    case 'days': {
      const d = facts.timeSinceLastDays;
      const holds = rule.op === '<' ? d < rule.value : rule.op === '<=' ? d <= rule.value : rule.op === '>' ? d > rule.value : rule.op === '>=' ? d >= rule.value : d === rule.value;
      return { holds, because: holds ? [`${DAYS} ${fmtDays(d)} ${rule.op} ${rule.value}`] : [] };
    }
    case 'not': {
      const inner = evaluateRule(rule.rule, facts);
      return { holds: !inner.holds, because: inner.holds ? [] : ['not (…)'] };
    }
    case 'and': {
      const parts = rule.rules.map((r) => evaluateRule(r, facts));
      return parts.every((p) => p.holds) ? { holds: true, because: parts.flatMap((p) => p.because) } : { holds: false, because: [] };
    }
    case 'or': {
      const held = rule.rules.map((r) => evaluateRule(r, facts)).filter((p) => p.holds);
      return held.length ? { holds: true, because: held.flatMap((p) => p.because) } : { holds: false, because: [] };
    }
  }
}
