/**
 * When the checker runs next: the instants after `now` that `pipeline.schedule` (the unix-cron
 * expression Cloud Scheduler is given) names in `pipeline.timeZone`, computed with cron-parser.
 * Only the five-field form Cloud Scheduler takes is accepted: cron-parser would also read a
 * sixth (seconds) field, which the deployed schedule would reject.
 */
import { CronExpressionParser } from 'cron-parser';
import { ConfigError } from '../../shared/errors.ts';

/** How many upcoming checks the dashboard lists. */
export const UPCOMING_CHECKS = 3;

/** The next `count` scheduled instants strictly after `after`; ConfigError for a bad schedule or zone. */
export function nextScheduledChecks(schedule: string, timeZone: string, after: Date, count = UPCOMING_CHECKS): Date[] {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new ConfigError(`pipeline.schedule "${schedule}" is not a five-field cron expression (minute hour day-of-month month day-of-week)`, { schedule });
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(`pipeline.timeZone "${timeZone}" is not a known IANA time zone`, { timeZone });
  }
  let expr;
  try {
    expr = CronExpressionParser.parse(fields.join(' '), { currentDate: after, tz: timeZone });
  } catch (err) {
    throw new ConfigError(`pipeline.schedule "${schedule}" is invalid: ${err instanceof Error ? err.message : String(err)}`, { schedule }, err);
  }
  const out: Date[] = [];
  for (let i = 0; i < count && expr.hasNext(); i++) out.push(expr.next().toDate());
  return out;
}
