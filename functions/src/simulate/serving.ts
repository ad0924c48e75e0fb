/**
 * What the simulated app served: the answer of the real serving path (serving/model-server.ts —
 * the current and canary versions of the store being simulated into, or the default stylesheet
 * before any version exists), so that live metrics and canary verdicts on simulated sessions
 * measure our models. On top, the simulated app explores: with `SERVING_SHARES.explore` per
 * class it shows a random class instead (and the variable that goes with it), so every class is
 * served and labels are not only the served ones. Latency is drawn from the seeded stream, not
 * measured, so that the same seed still gives identical documents.
 */
import { DENSITY_CLASSES, FONT_CLASSES, THEME_CLASSES, type SessionContext, type ServedPrediction } from '../data/log-schema.ts';
import { FONT_SCALE_OF_CLASS, SPACING_OF_DENSITY } from '../data/targets.ts';
import { defaultServed } from '../serving/default-stylesheet.ts';
import type { Rng } from './prng.ts';

/** Answers one session synchronously (a model server's `serve` bound to a snapshot). */
export type SessionServer = (userId: string, ctx: SessionContext) => ServedPrediction;

/** Share of sessions per class target where the simulated app shows a random class. */
export const SERVING_SHARES = { explore: 0.15 } as const;

/** The server of a store with no deployed version: the default stylesheet for everyone. */
export const defaultSessionServer: SessionServer = () => defaultServed();

const round = (v: number, step: number) => Math.round(v / step) * step;

/** The served block of one session: the server's answer, explored, with a seeded latency. */
export function serve(server: SessionServer, userId: string, ctx: SessionContext, rng: Rng): ServedPrediction {
  const served = server(userId, ctx);
  const out: ServedPrediction = { ...served, css_vars: [...served.css_vars] };
  if (rng.chance(SERVING_SHARES.explore)) {
    out.css_class_font = rng.pick(FONT_CLASSES);
    out.css_vars[0] = FONT_SCALE_OF_CLASS[out.css_class_font];
  }
  if (rng.chance(SERVING_SHARES.explore)) out.css_class_theme = rng.pick(THEME_CLASSES);
  if (rng.chance(SERVING_SHARES.explore)) {
    out.css_class_density = rng.pick(DENSITY_CLASSES);
    out.css_vars[2] = SPACING_OF_DENSITY[out.css_class_density];
  }
  out.latency_ms = round(0.2 + rng.next() * 2, 0.001);
  return out;
}
