/**
 * Deployment records (`deployments/<deploymentId>` in Firestore, the `deployments` collection of
 * the embedded database): one per change of what users are served — a switch, a canary start,
 * a canary verdict, a rollback — with who or what decided it, why, and the numbers it was decided
 * on. The serving state itself is `models/current.json` (models/registry.ts); a record names the
 * state it produced by `deploymentId`, and the state names its record back.
 */
import { z } from 'zod';

/** What happened. */
export const DeploymentActionSchema = z.enum(['deploy', 'canary_start', 'promote', 'rollback', 'reject']);

/** Who or what decided: a pipeline run, a CLI user, the canary watcher, a function. */
export const ActorSchema = z.strictObject({
  kind: z.enum(['run', 'cli', 'watcher', 'function']),
  id: z.string().min(1),
});

/** Where a deployment stands. */
export const DeploymentOutcomeSchema = z.enum([
  /** The serving state was changed as asked. */
  'applied',
  /** A canary serves its share; a verdict is pending. */
  'canary',
  /** A canary became the stable version. */
  'promoted',
  /** The serving state went back to an earlier version. */
  'rolled_back',
  /** The gate refused the candidate; nothing was changed. */
  'rejected',
  /** Another writer changed the serving state first; nothing was changed. */
  'conflict',
]);

/** One deployment event. */
export const DeploymentRecordSchema = z.strictObject({
  deploymentId: z.string().min(1),
  action: DeploymentActionSchema,
  strategy: z.enum(['immediate', 'safe', 'canary']).nullable(),
  fromVersion: z.string().nullable(),
  toVersion: z.string().nullable(),
  /** Share of users on `toVersion` after this event, percent. */
  percentage: z.number().min(0).max(100),
  actor: ActorSchema,
  runId: z.string().nullable(),
  reason: z.string(),
  /** The numbers it was decided on (comparison summary, live accuracy per variant, …). */
  metrics: z.record(z.string(), z.unknown()),
  /** The comparison report behind the decision, when there is one (bucket path of comparison.json). */
  reportPath: z.string().nullable(),
  outcome: DeploymentOutcomeSchema,
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});

export type DeploymentAction = z.infer<typeof DeploymentActionSchema>;
export type Actor = z.infer<typeof ActorSchema>;
export type DeploymentOutcome = z.infer<typeof DeploymentOutcomeSchema>;
export type DeploymentRecord = z.infer<typeof DeploymentRecordSchema>;
