/** Objectives by XGBoost name, as XGBoost's objective registry. */
import { ConfigError } from '../../shared/errors.ts';
import { softmaxObjective, softprob } from './multiclass.ts';
import type { Objective } from './objective.ts';
import { binaryLogistic, pseudoHuberError, squaredError } from './regression.ts';

const REGISTRY: ReadonlyMap<string, Objective> = new Map(
  [squaredError, pseudoHuberError, binaryLogistic, softprob, softmaxObjective].map((o) => [o.name, o]),
);

/** The objective registered under `name`; throws ConfigError for an unknown one. */
export function getObjective(name: string): Objective {
  const o = REGISTRY.get(name);
  if (!o) throw new ConfigError(`objective must be one of ${[...REGISTRY.keys()].join(', ')}, got ${JSON.stringify(name)}`, { key: 'objective' });
  return o;
}
