/**
 * XGBoost's JSON model format (as XGBoost 1.7 writes it, also reading 2.x): keys are constants,
 * numbers inside trees are float32, `base_score` is a string in probability space. Reading checks
 * every key it needs and names the offending one on error.
 */
import { DataError } from '../shared/errors.ts';
import { RegTree } from './tree/regtree.ts';
import { K, WRITTEN_VERSION } from './model-keys.ts';

/** Everything a model holds, independent of the JSON layout. */
export interface ModelState {
  objective: string;
  /** Objective parameters as written (e.g. scale_pos_weight, huber_slope, num_class). */
  objectiveParams: Record<string, string>;
  baseScore: number;
  numClass: number;
  numFeature: number;
  trees: RegTree[];
  treeInfo: number[];
  featureNames: string[];
  featureTypes: string[];
  attributes: Record<string, string>;
  version: [number, number, number];
}

/** A float as XGBoost prints parameters ("5E-1", "9.897907E0"). */
export function xgbFloatString(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return String(f);
  for (let p = 1; p <= 9; p++) {
    if (Math.fround(Number(f.toPrecision(p))) === f) {
      const [m, e] = f.toExponential(p - 1).split('e');
      return `${m}E${Number(e)}`;
    }
  }
  return String(f);
}

function f32Array(a: readonly number[]): number[] {
  return a.map(Math.fround);
}

/** Tree arrays that XGBoost reads as floats (its JSON reader rejects integer literals there). */
const FLOAT_ARRAYS: ReadonlySet<string> = new Set([K.splitConditions, K.baseWeights, K.lossChanges, K.sumHessian]);

/** Shortest decimal text (6–9 significant digits) that reads back as the float32 `x`, always with a point or exponent. */
function floatText(x: number): string {
  const f = Math.fround(x);
  if (f === Math.trunc(f) && Number.isFinite(f) && Math.abs(f) < 1e15) return `${f}.0`;
  let best = Number(f.toPrecision(9));
  for (let p = 8; p >= 6; p--) {
    const n = Number(f.toPrecision(p));
    if (Math.fround(n) !== f) break;
    best = n;
  }
  const s = String(best);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** JSON text of a model object, with float arrays written as floats (`1.0`, not `1`) as XGBoost requires. */
export function stringifyModel(value: unknown, key = ''): string {
  if (Array.isArray(value)) {
    if (FLOAT_ARRAYS.has(key)) return `[${value.map(floatText).join(',')}]`;
    if (value.every((v) => typeof v === 'number')) return `[${value.join(',')}]`;
    return `[${value.map((v) => stringifyModel(v)).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    let out = '';
    for (const k in value) out += `${out ? ',' : ''}${JSON.stringify(k)}:${stringifyModel((value as Record<string, unknown>)[k], k)}`;
    return `{${out}}`;
  }
  return JSON.stringify(value);
}

/** Serialise a model as XGBoost does. */
export function modelToJSON(m: ModelState): Record<string, unknown> {
  const trees = m.trees.map((t, i) => ({
    [K.baseWeights]: f32Array(t.baseWeights),
    [K.categories]: [],
    [K.categoriesNodes]: [],
    [K.categoriesSegments]: [],
    [K.categoriesSizes]: [],
    [K.defaultLeft]: [...t.defaultLeft],
    [K.id]: i,
    [K.leftChildren]: [...t.leftChildren],
    [K.lossChanges]: f32Array(t.lossChanges),
    [K.parents]: [...t.parents],
    [K.rightChildren]: [...t.rightChildren],
    [K.splitConditions]: f32Array(t.splitConditions),
    [K.splitIndices]: [...t.splitIndices],
    [K.splitType]: new Array(t.numNodes).fill(0),
    [K.sumHessian]: f32Array(t.sumHessian),
    [K.treeParam]: { [K.numDeleted]: '0', [K.numFeature]: String(m.numFeature), [K.numNodes]: String(t.numNodes), [K.sizeLeafVector]: '0' },
  }));
  return {
    [K.learner]: {
      [K.attributes]: { ...m.attributes },
      [K.featureNames]: [...m.featureNames],
      [K.featureTypes]: [...m.featureTypes],
      [K.gradientBooster]: {
        [K.model]: {
          [K.gbtreeModelParam]: { [K.numParallelTree]: '1', [K.numTrees]: String(m.trees.length), [K.sizeLeafVector]: '0' },
          [K.treeInfo]: [...m.treeInfo],
          [K.trees]: trees,
        },
        [K.name]: 'gbtree',
      },
      [K.learnerModelParam]: {
        [K.baseScore]: xgbFloatString(m.baseScore),
        [K.boostFromAverage]: '1',
        [K.numClass]: String(m.numClass),
        [K.numFeature]: String(m.numFeature),
        [K.numTarget]: '1',
      },
      [K.objective]: { [K.name]: m.objective, ...objectiveBlock(m) },
    },
    [K.version]: [...WRITTEN_VERSION],
  };
}

function objectiveBlock(m: ModelState): Record<string, unknown> {
  const o = m.objectiveParams;
  switch (m.objective) {
    case 'binary:logistic':
    case 'reg:squarederror':
      return { reg_loss_param: { scale_pos_weight: o.scale_pos_weight ?? '1' } };
    case 'reg:pseudohubererror':
      return { pseudo_huber_param: { huber_slope: o.huber_slope ?? '1' } };
    default:
      return { softmax_multiclass_param: { num_class: String(m.numClass) } };
  }
}

/** Parse model JSON (text or object); throws DataError naming the missing or malformed key. */
export function modelFromJSON(input: string | object): ModelState {
  let root: unknown = input;
  if (typeof input === 'string') {
    try {
      root = JSON.parse(input);
    } catch (err) {
      throw bad(`model is not valid JSON (truncated or not a model file): ${(err as Error).message}`, '', err);
    }
  }
  const learner = obj(get(root, K.learner, ''), K.learner);
  const at = (k: string) => `${K.learner}.${k}`;
  const lmp = obj(get(learner, K.learnerModelParam, K.learner), at(K.learnerModelParam));
  const objective = obj(get(learner, K.objective, K.learner), at(K.objective));
  const gb = obj(get(learner, K.gradientBooster, K.learner), at(K.gradientBooster));
  const gbName = str(get(gb, K.name, at(K.gradientBooster)), `${at(K.gradientBooster)}.${K.name}`);
  if (gbName !== 'gbtree') throw bad(`${at(K.gradientBooster)}.${K.name} must be "gbtree", got ${JSON.stringify(gbName)}`, at(K.gradientBooster));
  const modelPath = `${at(K.gradientBooster)}.${K.model}`;
  const model = obj(get(gb, K.model, at(K.gradientBooster)), modelPath);
  const objName = str(get(objective, K.name, at(K.objective)), `${at(K.objective)}.${K.name}`);
  const lmpPath = at(K.learnerModelParam);
  const baseScore = num(String(get(lmp, K.baseScore, lmpPath)).replace(/^\[|\]$/g, ''), `${lmpPath}.${K.baseScore}`);
  const numClass = int(get(lmp, K.numClass, lmpPath), `${lmpPath}.${K.numClass}`);
  const numFeature = int(get(lmp, K.numFeature, lmpPath), `${lmpPath}.${K.numFeature}`);
  const numTarget = (lmp as Record<string, unknown>)[K.numTarget];
  if (numTarget !== undefined && int(numTarget, `${lmpPath}.${K.numTarget}`) > 1) throw bad(`${lmpPath}.${K.numTarget} > 1 (multi-target) is not supported`, lmpPath);
  const treesRaw = get(model, K.trees, modelPath);
  if (!Array.isArray(treesRaw)) throw bad(`${modelPath}.${K.trees} must be an array`, `${modelPath}.${K.trees}`);
  const trees = treesRaw.map((t, i) => treeFromJSON(t, `${modelPath}.${K.trees}[${i}]`, numFeature));
  const infoRaw = get(model, K.treeInfo, modelPath);
  if (!Array.isArray(infoRaw) || infoRaw.length !== trees.length) throw bad(`${modelPath}.${K.treeInfo} must be an array with one entry per tree`, `${modelPath}.${K.treeInfo}`);
  const groups = Math.max(1, numClass);
  const treeInfo = infoRaw.map((g, i) => {
    const v = int(g, `${modelPath}.${K.treeInfo}[${i}]`);
    if (v >= groups) throw bad(`${modelPath}.${K.treeInfo}[${i}] = ${v} is not a class below ${groups}`, `${modelPath}.${K.treeInfo}`);
    return v;
  });
  const params = obj(get(model, K.gbtreeModelParam, modelPath), `${modelPath}.${K.gbtreeModelParam}`) as Record<string, unknown>;
  if (params[K.numParallelTree] !== undefined && String(params[K.numParallelTree]) !== '1') {
    throw bad(`${modelPath}.${K.gbtreeModelParam}.${K.numParallelTree} must be 1 (random forests are not supported)`, modelPath);
  }
  const objectiveParams: Record<string, string> = {};
  for (const v of Object.values(objective)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) objectiveParams[k] = String(x);
  }
  const names = (learner as Record<string, unknown>)[K.featureNames] ?? [];
  const types = (learner as Record<string, unknown>)[K.featureTypes] ?? [];
  const attrs = (learner as Record<string, unknown>)[K.attributes] ?? {};
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw bad(`${at(K.featureNames)} must be an array of strings`, at(K.featureNames));
  if (names.length && names.length !== numFeature) throw bad(`${at(K.featureNames)} has ${names.length} names for ${numFeature} features`, at(K.featureNames));
  if (!Array.isArray(types)) throw bad(`${at(K.featureTypes)} must be an array`, at(K.featureTypes));
  if (types.some((t) => t === 'c')) throw bad(`${at(K.featureTypes)}: categorical features are not supported`, at(K.featureTypes));
  const version = (root as Record<string, unknown>)[K.version];
  return {
    objective: objName,
    objectiveParams,
    baseScore,
    numClass,
    numFeature,
    trees,
    treeInfo,
    featureNames: names as string[],
    featureTypes: (types as unknown[]).map(String),
    attributes: Object.fromEntries(Object.entries(obj(attrs, at(K.attributes))).map(([k, v]) => [k, String(v)])),
    version: Array.isArray(version) && version.length === 3 ? (version.map(Number) as [number, number, number]) : WRITTEN_VERSION,
  };
}

function treeFromJSON(raw: unknown, path: string, numFeature: number): RegTree {
  const t = obj(raw, path);
  const tp = obj(get(t, K.treeParam, path), `${path}.${K.treeParam}`);
  const n = int(get(tp, K.numNodes, `${path}.${K.treeParam}`), `${path}.${K.treeParam}.${K.numNodes}`);
  if (n < 1) throw bad(`${path}.${K.treeParam}.${K.numNodes} must be >= 1`, path);
  const arr = (key: string, required: boolean): number[] => {
    const v = (t as Record<string, unknown>)[key];
    if (v === undefined && !required) return new Array(n).fill(0);
    if (!Array.isArray(v)) throw bad(`${path}.${key} is missing or not an array`, `${path}.${key}`);
    if (v.length !== n) throw bad(`${path}.${key} has ${v.length} entries, expected num_nodes = ${n}`, `${path}.${key}`);
    for (let i = 0; i < n; i++) if (typeof v[i] !== 'number' || Number.isNaN(v[i])) throw bad(`${path}.${key}[${i}] is not a number`, `${path}.${key}`);
    return v as number[];
  };
  // Values the engine stores as float32: one that overflows it (1e999, 1e39) would predict ±Infinity.
  const f32 = (key: string, required: boolean): number[] => {
    const v = arr(key, required).map(Math.fround);
    const i = v.findIndex((x) => !Number.isFinite(x));
    if (i >= 0) throw bad(`${path}.${key}[${i}] = ${(t as Record<string, number[]>)[key][i]} is not a finite float32`, `${path}.${key}[${i}]`);
    return v;
  };
  const tree = new RegTree();
  tree.leftChildren = arr(K.leftChildren, true).slice();
  tree.rightChildren = arr(K.rightChildren, true).slice();
  tree.splitIndices = arr(K.splitIndices, true).slice();
  tree.splitConditions = f32(K.splitConditions, true);
  tree.defaultLeft = arr(K.defaultLeft, true).map((x) => (x ? 1 : 0));
  tree.baseWeights = f32(K.baseWeights, false);
  tree.lossChanges = f32(K.lossChanges, false);
  tree.sumHessian = f32(K.sumHessian, false);
  const types = arr(K.splitType, false);
  const parents = new Array(n).fill(2147483647);
  for (let i = 0; i < n; i++) {
    const l = tree.leftChildren[i];
    const r = tree.rightChildren[i];
    if (types[i] !== 0) throw bad(`${path}.${K.splitType}[${i}]: categorical splits are not supported`, `${path}.${K.splitType}`);
    if (l === -1 && r === -1) continue;
    if (!(l > i && l < n && r > i && r < n)) throw bad(`${path}: node ${i} has children ${l}, ${r} outside ${i + 1}..${n - 1}`, `${path}.${K.leftChildren}`);
    if (!(tree.splitIndices[i] >= 0 && tree.splitIndices[i] < numFeature)) {
      throw bad(`${path}.${K.splitIndices}[${i}] = ${tree.splitIndices[i]} is not a feature below ${numFeature}`, `${path}.${K.splitIndices}`);
    }
    parents[l] = i;
    parents[r] = i;
  }
  tree.parents = parents;
  return tree;
}

function bad(message: string, key: string, cause?: unknown): DataError {
  return new DataError(message, { stage: 'engine', code: 'MODEL_INVALID', details: { key }, cause });
}

function get(o: unknown, key: string, path: string): unknown {
  if (!o || typeof o !== 'object' || !(key in o)) throw bad(`model JSON is missing key "${path ? `${path}.` : ''}${key}" (not an XGBoost JSON model?)`, `${path ? `${path}.` : ''}${key}`);
  return (o as Record<string, unknown>)[key];
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad(`model JSON key "${path}" must be an object`, path);
  return v as Record<string, unknown>;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw bad(`model JSON key "${path}" must be a string`, path);
  return v;
}

function num(v: unknown, path: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw bad(`model JSON key "${path}" must be a number, got ${JSON.stringify(v)}`, path);
  return n;
}

function int(v: unknown, path: string): number {
  const n = num(v, path);
  if (!Number.isInteger(n) || n < 0) throw bad(`model JSON key "${path}" must be a non-negative integer, got ${JSON.stringify(v)}`, path);
  return n;
}
