/**
 * The strategy of a retrain request, from the rules of `strategies.full.conditions` and
 * `strategies.incremental.conditions` (config/strategy-rule.ts): full when its rule holds (and always
 * when no model serves: there is nothing to update), else incremental when its rule holds, else
 * the trainer decides (`auto`). The reason names what made the rule hold, for the decision record.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import { evaluateRule, parseRule } from '../../config/strategy-rule.ts';

/** Reason name used when no model serves yet. */
export const NO_CURRENT_MODEL = 'no_current_model';

/** A chosen strategy and why. */
export interface StrategyChoice {
  strategy: 'incremental' | 'full' | 'auto';
  reason: string;
}

/** Pick the strategy for the fired condition names and the age of the last training (days; Infinity: never). */
export function chooseStrategy(reasons: readonly string[], config: RetrainingConfig, currentVersion: string | null, timeSinceLastDays: number): StrategyChoice {
  if (!currentVersion) return { strategy: 'full', reason: 'full: no model serves, nothing to update' };
  const facts = { fired: new Set(reasons), timeSinceLastDays };
  for (const strategy of ['full', 'incremental'] as const) {
    const text = config.strategies[strategy].conditions;
    const r = evaluateRule(parseRule(text), facts);
    if (r.holds) return { strategy, reason: `${strategy}: ${r.because.join(' and ')} (rule "${text}")` };
  }
  return { strategy: 'auto', reason: `auto: neither rule holds (full "${config.strategies.full.conditions}", incremental "${config.strategies.incremental.conditions}"); the trainer picks` };
}

/** The strategy alone (the hint on a retrain request). */
export function strategyHint(reasons: readonly string[], config: RetrainingConfig, currentVersion: string | null, timeSinceLastDays = Infinity): 'incremental' | 'full' | 'auto' {
  return chooseStrategy(reasons, config, currentVersion, timeSinceLastDays).strategy;
}
