/**
 * A loaded version ready to answer one session: the bundle's boosters plus where each served
 * output comes from (which model, which label index), checked once at load so that predicting a
 * session is only the 19 features, the scaler and eleven tree walks. A version the web app could
 * not use (other features, a class label the app does not know, a missing variable) is refused
 * here, never served.
 */
import { FEATURE_COLUMNS, FEATURE_COUNT, prepareFeaturesV2 } from '../data/features.ts';
import { CSS_VAR_COUNT, type SessionContext } from '../data/log-schema.ts';
import { CLASS_LABELS, TARGET_CLASS_COLUMNS, TARGET_VAR_COLUMNS, VAR_SPECS, type TargetClassColumn } from '../data/targets.ts';
import type { LoadedBundle } from '../models/bundle.ts';
import type { Labels } from '../models/labels.ts';
import { DataError } from '../shared/errors.ts';

/** The predicted classes and variables of one session. */
export interface SessionPrediction {
  css_class_density: 'compact' | 'comfortable' | 'spacious';
  css_class_font: 'small' | 'medium' | 'large';
  css_class_theme: 'light' | 'dark' | 'high-contrast';
  css_vars: number[];
}

/** A version prepared for serving. */
export interface ServingModel {
  version: string;
  bundle: LoadedBundle;
  /** Per class target: the bundle's label of each output index. */
  classLabels: Record<TargetClassColumn, readonly string[]>;
  /** Scratch buffers of `predictSession` (serving is synchronous: one session at a time per model). */
  scratch: { raw: Float64Array; row: Float32Array; margins: Record<string, Float32Array> };
}

/** Why a version cannot be served by this code (empty when it can). */
export function servingProblems(features: readonly string[], labels: Labels): string[] {
  const problems: string[] = [];
  if (JSON.stringify(features) !== JSON.stringify(FEATURE_COLUMNS)) problems.push(`features ${features.length === FEATURE_COUNT ? 'differ from' : `(${features.length}) are not`} the ${FEATURE_COUNT} served features`);
  const byName = new Map(labels.targets.map((t) => [t.name, t]));
  for (const name of TARGET_CLASS_COLUMNS) {
    const t = byName.get(name);
    if (!t || t.kind !== 'class') problems.push(`no class model for ${name}`);
    else {
      const unknown = t.labels.filter((l) => !CLASS_LABELS[name].includes(l));
      if (unknown.length) problems.push(`${name} predicts labels the app does not know: ${unknown.join(', ')}`);
    }
  }
  for (const name of TARGET_VAR_COLUMNS) if (byName.get(name)?.kind !== 'var') problems.push(`no regression model for ${name}`);
  return problems;
}

/** Prepare a verified bundle for serving; DataError (code MODEL_NOT_SERVABLE) when it cannot be served. */
export function servingModel(bundle: LoadedBundle): ServingModel {
  const problems = servingProblems(bundle.scaler.features, bundle.labels);
  if (problems.length) throw new DataError(`Model version ${bundle.version} cannot be served: ${problems.join('; ')}`, { stage: 'deploy', code: 'MODEL_NOT_SERVABLE', details: { version: bundle.version, problems } });
  const classLabels = {} as Record<TargetClassColumn, readonly string[]>;
  const margins: Record<string, Float32Array> = {};
  for (const t of bundle.labels.targets) {
    if (t.kind === 'class') classLabels[t.name as TargetClassColumn] = t.labels;
    margins[t.name] = new Float32Array(bundle.boosters[t.name].numGroups);
  }
  return { version: bundle.version, bundle, classLabels, scratch: { raw: new Float64Array(FEATURE_COUNT), row: new Float32Array(FEATURE_COUNT), margins } };
}

function argmax(p: Float32Array, k: number): number {
  let best = 0;
  for (let i = 1; i < k; i++) if (p[i] > p[best]) best = i;
  return best;
}

/** Clamp a predicted variable into its documented range (a NaN becomes the default). */
function clampVar(i: number, v: number): number {
  const s = VAR_SPECS[i];
  if (!Number.isFinite(v)) return s.default;
  return v < s.min ? s.min : v > s.max ? s.max : v;
}

/**
 * Predict the eleven outputs of one session's context: the same scaled float32 row as the batch
 * path (`predictBundle`), each model walked for that one row. A class is the argmax of its
 * margins (the softmax is monotonic, so it is the most probable class); a variable is its margin
 * (`reg:squarederror` has no transform), clamped into its documented range.
 */
export function predictSession(model: ServingModel, ctx: SessionContext): SessionPrediction {
  const { raw, row, margins } = model.scratch;
  const { mean, std } = model.bundle.scaler;
  prepareFeaturesV2(ctx, raw);
  for (let c = 0; c < FEATURE_COUNT; c++) row[c] = (Math.fround(raw[c]) - mean[c]) / std[c];
  const boosters = model.bundle.boosters;
  const cls = (name: TargetClassColumn) => {
    const labels = model.classLabels[name];
    return labels[argmax(boosters[name].predictRowMargin(row, margins[name]), labels.length)];
  };
  const vars = new Array<number>(CSS_VAR_COUNT);
  for (let i = 0; i < CSS_VAR_COUNT; i++) {
    const name = TARGET_VAR_COLUMNS[i];
    vars[i] = clampVar(i, boosters[name].predictRowMargin(row, margins[name])[0]);
  }
  return {
    css_class_density: cls('css_class_density') as SessionPrediction['css_class_density'],
    css_class_font: cls('css_class_font') as SessionPrediction['css_class_font'],
    css_class_theme: cls('css_class_theme') as SessionPrediction['css_class_theme'],
    css_vars: vars,
  };
}
