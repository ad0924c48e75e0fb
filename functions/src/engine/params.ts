/**
 * Booster parameters under XGBoost's names, aliases and defaults. Validation is strict: an
 * unknown key or a value out of range is a ConfigError naming the key, never silently ignored.
 */
import { ConfigError } from '../shared/errors.ts';

/** Parameters as a caller passes them (XGBoost names or aliases; numbers may be strings). */
export type BoosterParams = Record<string, unknown>;

/** Every parameter the engine knows, resolved to canonical names with defaults filled in. */
export interface ResolvedParams {
  objective: string;
  eta: number;
  gamma: number;
  max_depth: number;
  min_child_weight: number;
  max_delta_step: number;
  subsample: number;
  colsample_bytree: number;
  colsample_bylevel: number;
  colsample_bynode: number;
  lambda: number;
  alpha: number;
  tree_method: 'hist';
  grow_policy: 'depthwise' | 'lossguide';
  max_leaves: number;
  max_bin: number;
  base_score: number;
  num_class: number;
  seed: number;
  scale_pos_weight: number;
  huber_slope: number;
  eval_metric: string[];
}

/** Alias → canonical name, as XGBoost and its scikit-learn wrapper spell them. */
export const PARAM_ALIASES: Readonly<Record<string, string>> = {
  learning_rate: 'eta',
  min_split_loss: 'gamma',
  reg_lambda: 'lambda',
  reg_alpha: 'alpha',
  random_state: 'seed',
};

/** Accepted for compatibility with XGBoost configs; they do not change the result. */
const IGNORED = new Set(['nthread', 'n_jobs', 'verbosity', 'silent', 'validate_parameters', 'booster', 'disable_default_eval_metric']);

type NumSpec = { def: number; min: number; max: number; minOpen?: boolean; int?: boolean };

const NUMERIC: Record<string, NumSpec> = {
  eta: { def: 0.3, min: 0, max: 1, minOpen: true },
  gamma: { def: 0, min: 0, max: Infinity },
  max_depth: { def: 6, min: 0, max: 64, int: true },
  min_child_weight: { def: 1, min: 0, max: Infinity },
  max_delta_step: { def: 0, min: 0, max: Infinity },
  subsample: { def: 1, min: 0, max: 1, minOpen: true },
  colsample_bytree: { def: 1, min: 0, max: 1, minOpen: true },
  colsample_bylevel: { def: 1, min: 0, max: 1, minOpen: true },
  colsample_bynode: { def: 1, min: 0, max: 1, minOpen: true },
  lambda: { def: 1, min: 0, max: Infinity },
  alpha: { def: 0, min: 0, max: Infinity },
  max_leaves: { def: 0, min: 0, max: 2 ** 31 - 1, int: true },
  max_bin: { def: 256, min: 2, max: 65535, int: true },
  base_score: { def: 0.5, min: -Infinity, max: Infinity },
  num_class: { def: 0, min: 0, max: 2 ** 31 - 1, int: true },
  seed: { def: 0, min: -(2 ** 53), max: 2 ** 53, int: true },
  scale_pos_weight: { def: 1, min: 0, max: Infinity, minOpen: true },
  huber_slope: { def: 1, min: 0, max: Infinity, minOpen: true },
};

/** The objectives this engine implements (XGBoost names). */
export const OBJECTIVES = ['reg:squarederror', 'reg:pseudohubererror', 'binary:logistic', 'multi:softprob', 'multi:softmax'] as const;

/** The evaluation metrics this engine implements (XGBoost names). */
export const METRICS = ['rmse', 'mae', 'mphe', 'logloss', 'error', 'mlogloss', 'merror', 'auc'] as const;

function toNumber(key: string, value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) && !(typeof value === 'number' && Math.abs(value) === Infinity)) {
    throw new ConfigError(`${key} must be a number, got ${JSON.stringify(value)}`, { key });
  }
  return n;
}

function checkRange(key: string, n: number, s: NumSpec): void {
  if (s.int && !Number.isInteger(n)) throw new ConfigError(`${key} must be an integer, got ${n}`, { key });
  const lowOk = s.minOpen ? n > s.min : n >= s.min;
  if (!lowOk || n > s.max) {
    const lo = `${s.minOpen ? '(' : '['}${s.min}`;
    const hi = s.max === Infinity ? 'inf)' : `${s.max}]`;
    throw new ConfigError(`${key} must be in ${lo}, ${hi}, got ${n}`, { key });
  }
}

/** Check every key and value and fill in XGBoost's defaults; throws ConfigError naming the key. */
export function validateParams(params: BoosterParams): ResolvedParams {
  const out: Record<string, unknown> = {};
  const seen = new Map<string, string>();
  for (const [rawKey, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (rawKey === 'n_estimators' || rawKey === 'num_boost_round') {
      throw new ConfigError(`unknown parameter "${rawKey}": the number of rounds is a training option (numBoostRound), not a booster parameter`, { key: rawKey });
    }
    const key = PARAM_ALIASES[rawKey] ?? rawKey;
    if (seen.has(key)) throw new ConfigError(`parameter "${rawKey}" given twice (also as "${seen.get(key)}")`, { key: rawKey });
    seen.set(key, rawKey);
    if (IGNORED.has(key)) {
      if (key === 'booster' && value !== 'gbtree') throw new ConfigError(`booster must be "gbtree", got ${JSON.stringify(value)}`, { key });
      continue;
    }
    if (key in NUMERIC) {
      const n = toNumber(rawKey, value);
      checkRange(rawKey, n, NUMERIC[key]);
      out[key] = n;
    } else if (key === 'objective') {
      if (!(OBJECTIVES as readonly string[]).includes(String(value))) {
        throw new ConfigError(`objective must be one of ${OBJECTIVES.join(', ')}, got ${JSON.stringify(value)}`, { key });
      }
      out.objective = String(value);
    } else if (key === 'tree_method') {
      if (value !== 'hist' && value !== 'auto') throw new ConfigError(`tree_method must be "hist", got ${JSON.stringify(value)}`, { key });
      out.tree_method = 'hist';
    } else if (key === 'grow_policy') {
      if (value !== 'depthwise' && value !== 'lossguide') throw new ConfigError(`grow_policy must be "depthwise" or "lossguide", got ${JSON.stringify(value)}`, { key });
      out.grow_policy = value;
    } else if (key === 'eval_metric') {
      const list = Array.isArray(value) ? value.map(String) : String(value).split(',').map((s) => s.trim()).filter(Boolean);
      for (const m of list) {
        if (!(METRICS as readonly string[]).includes(m)) throw new ConfigError(`eval_metric must be among ${METRICS.join(', ')}, got ${JSON.stringify(m)}`, { key });
      }
      out.eval_metric = list;
    } else {
      throw new ConfigError(`unknown parameter "${rawKey}"`, { key: rawKey });
    }
  }
  const r: Record<string, unknown> = { objective: 'reg:squarederror', tree_method: 'hist', grow_policy: 'depthwise', eval_metric: [] };
  for (const [k, s] of Object.entries(NUMERIC)) r[k] = s.def;
  Object.assign(r, out);
  const p = r as unknown as ResolvedParams;
  const multi = p.objective.startsWith('multi:');
  if (multi && p.num_class < 2) throw new ConfigError(`num_class must be at least 2 for ${p.objective}, got ${p.num_class}`, { key: 'num_class' });
  if (!multi && p.num_class > 1) throw new ConfigError(`num_class is only valid with multi:* objectives, got ${p.num_class} with ${p.objective}`, { key: 'num_class' });
  if (p.objective === 'binary:logistic' && !(p.base_score > 0 && p.base_score < 1)) {
    throw new ConfigError(`base_score must be in (0, 1) for binary:logistic, got ${p.base_score}`, { key: 'base_score' });
  }
  if (p.max_depth === 0 && p.grow_policy === 'depthwise') {
    throw new ConfigError('max_depth must be > 0 with grow_policy depthwise (0 means unlimited only with lossguide)', { key: 'max_depth' });
  }
  return p;
}

/** The parameters that differ from their defaults, under canonical names (for workers and logs). */
export function explicitParams(p: ResolvedParams): Record<string, unknown> {
  const out: Record<string, unknown> = { objective: p.objective };
  for (const [k, s] of Object.entries(NUMERIC)) {
    const v = (p as unknown as Record<string, number>)[k];
    if (v !== s.def) out[k] = v;
  }
  if (p.grow_policy !== 'depthwise') out.grow_policy = p.grow_policy;
  if (p.eval_metric.length) out.eval_metric = [...p.eval_metric];
  return out;
}
