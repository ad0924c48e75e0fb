/**
 * The collection window, as the original script chose it: `--start-date`/`--end-date`
 * (YYYY-MM-DD, UTC days, both inclusive), else the last `--days-back` days up to now.
 */
import { ConfigError } from '../../shared/errors.ts';

/** A half-open time window `[start, end)`. */
export interface CollectionWindow {
  start: Date;
  end: Date;
}

/** What the caller asked for; any subset. */
export interface WindowRequest {
  /** First UTC day collected (YYYY-MM-DD) or a full ISO 8601 instant. */
  startDate?: string;
  /** Last UTC day collected, inclusive (YYYY-MM-DD) or a full ISO 8601 instant (exclusive). */
  endDate?: string;
  /** Days before the end when no start is given (default 7). */
  daysBack?: number;
}

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parse a YYYY-MM-DD day (UTC midnight) or an ISO instant; `endOfDay` makes a day inclusive. */
export function parseWindowDate(value: string, flag: string, endOfDay = false): Date {
  const m = DAY.exec(value);
  if (m) {
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(ms);
    if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
      throw new ConfigError(`${flag}: ${value} is not a calendar day`, { flag, value });
    }
    return new Date(endOfDay ? ms + DAY_MS : ms);
  }
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new ConfigError(`${flag}: expected YYYY-MM-DD, got "${value}"`, { flag, value });
  return new Date(ms);
}

/**
 * Resolve a request against the clock's `now`. A day given as `endDate` is inclusive (the window
 * ends at the next UTC midnight), so `--start-date 2026-11-01 --end-date 2026-11-07` is 7 days.
 */
export function resolveWindow(req: WindowRequest, now: Date): CollectionWindow {
  const daysBack = req.daysBack ?? 7;
  if (!Number.isFinite(daysBack) || daysBack <= 0) throw new ConfigError(`--days-back: expected a positive number, got ${daysBack}`, { daysBack });
  const end = req.endDate ? parseWindowDate(req.endDate, '--end-date', true) : now;
  const start = req.startDate ? parseWindowDate(req.startDate, '--start-date') : new Date(end.getTime() - daysBack * DAY_MS);
  if (start.getTime() >= end.getTime()) {
    throw new ConfigError(`Empty collection window: start ${start.toISOString()} is not before end ${end.toISOString()}`, {
      start: start.toISOString(),
      end: end.toISOString(),
    });
  }
  return { start, end };
}
