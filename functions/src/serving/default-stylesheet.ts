/**
 * The documented default stylesheet (docs/data-model.md, "The default stylesheet"): what a
 * session gets when no version can serve — before the first deployment, or when nothing verified
 * is left. The web app ships the same values in its CSS, so this answer is never worse than no
 * answer; it is logged with `variant: default` and `model_version: null`.
 */
import type { ServedPrediction } from '../data/log-schema.ts';
import { VAR_SPECS } from '../data/targets.ts';

/** The three classes of the default stylesheet. */
export const DEFAULT_CLASSES = { css_class_density: 'comfortable', css_class_font: 'medium', css_class_theme: 'light' } as const;

/** The eight variables of the default stylesheet, in `css_vars` order (`VarSpec.default`). */
export const DEFAULT_CSS_VARS: readonly number[] = Object.freeze(VAR_SPECS.map((s) => s.default));

/** A served block with the default stylesheet. */
export function defaultServed(latencyMs = 0): ServedPrediction {
  return { model_version: null, variant: 'default', ...DEFAULT_CLASSES, css_vars: [...DEFAULT_CSS_VARS], latency_ms: latencyMs };
}
