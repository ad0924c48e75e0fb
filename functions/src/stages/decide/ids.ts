/**
 * Ids of decisions and runs, derived from the instant they stand for so that a retried schedule
 * slot or a redelivered message lands on the same records instead of starting a second run:
 * `dec_20261130T020000Z_scheduled` decides for `run_20261130T020000Z_scheduled`.
 */

/** What started an evaluation. */
export type CheckMode = 'check' | 'scheduled' | 'force';

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function compactInstant(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The instant a decision stands for: a scheduled slot is its minute (Cloud Scheduler retries
 * and a cron-started CLI a few seconds late must map to the same slot); forced and checked
 * evaluations keep their second.
 */
export function slotOf(at: Date, mode: CheckMode): Date {
  const unit = mode === 'scheduled' ? 60_000 : 1000;
  return new Date(Math.floor(at.getTime() / unit) * unit);
}

/** The decision id of a slot. */
export function decisionIdFor(slot: Date, mode: CheckMode): string {
  return `dec_${compactInstant(slot)}_${mode}`;
}

/** The run id of a slot. */
export function runIdFor(slot: Date, mode: CheckMode): string {
  return `run_${compactInstant(slot)}_${mode}`;
}
