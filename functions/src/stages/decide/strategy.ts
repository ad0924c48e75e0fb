/**
 * The strategy hint of a retrain request, from the conditions of `strategies.full` and
 * `strategies.incremental`: full wins when any of its conditions holds (and always when no model
 * serves: there is nothing to update); incremental when one of its own holds; else the trainer
 * decides (`auto`).
 */
import type { RetrainingConfig } from '../../config/schema.ts';

/** Reason name used when no model serves yet. */
export const NO_CURRENT_MODEL = 'no_current_model';

/** Pick the strategy for a set of fired condition names. */
export function strategyHint(reasons: readonly string[], config: RetrainingConfig, currentVersion: string | null): 'incremental' | 'full' | 'auto' {
  if (!currentVersion) return 'full';
  const has = (conditions: readonly string[]) => reasons.some((r) => conditions.includes(r));
  if (has(config.strategies.full.conditions)) return 'full';
  if (has(config.strategies.incremental.conditions)) return 'incremental';
  return 'auto';
}
