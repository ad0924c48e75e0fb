/**
 * Holm's step-down correction: comparing eleven targets at once would flag about one in two
 * comparisons of identical models somewhere by chance at α = 0.05; Holm controls the
 * family-wise error rate without assuming the tests are independent, and is uniformly more
 * powerful than Bonferroni.
 */

/** Holm-adjusted p-values, in the input's order (monotone, capped at 1). */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
