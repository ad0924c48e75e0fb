/**
 * Reading a window of whole UTC hours from the rollups: whole days from their day buckets, the
 * hours around them from hour buckets — about 31 day and 48 hour documents for a 30-day window,
 * whatever the traffic. A day bucket is used only when it sums all 24 hours and was read past the
 * day's end; otherwise its hours are read. Hours never rolled up are reported, not guessed.
 */
import type { RetrainingConfig } from '../../config/schema.ts';
import type { RecordStore } from '../../ports/index.ts';
import { ConfigError } from '../../shared/errors.ts';
import type { BucketBody } from './fold.ts';
import { sumBodies } from './merge.ts';
import { DAY_MS, HOUR_MS, dayId, floorDay, floorHour, hourId, type RollupBucket } from './rollup-schema.ts';
import { readBuckets, rollupCollection } from './rollup-store.ts';

/** A window's sum, and its UTC days' sums when asked. */
export interface RollupWindow {
  start: Date;
  end: Date;
  body: BucketBody;
  /** `YYYY-MM-DD` → that day's part of the window (with `byDay`). */
  days: Map<string, BucketBody>;
  /** Hours of the window with no bucket yet. */
  missingHours: number;
  /** Hours whose bucket was read before the hour ended (the pass ran mid-hour and none since). */
  partialHours: number;
  /** Documents read from the record store. */
  documentsRead: number;
}

/** The window [start, end) of whole hours (both rounded down to the hour). */
export function alignWindow(start: Date, end: Date): { start: Date; end: Date } {
  const s = floorHour(start);
  const e = floorHour(end);
  return { start: s, end: e < s ? s : e };
}

const body = (b: RollupBucket): BucketBody => ({ read: b.read, invalid: b.invalid, duplicates: b.duplicates, groups: b.groups, drift: b.drift });

/** Sum the rollups over [start, end) (rounded down to whole hours). */
export async function readRollupWindow(records: RecordStore, config: RetrainingConfig, start: Date, end: Date, opts: { byDay?: boolean } = {}): Promise<RollupWindow> {
  const collection = rollupCollection(config);
  const w = alignWindow(start, end);
  const s = w.start.getTime();
  const e = w.end.getTime();
  const wholeDays: number[] = [];
  for (let d = floorDay(s).getTime(); d < e; d += DAY_MS) if (d >= s && d + DAY_MS <= e) wholeDays.push(d);
  const days = await readBuckets(records, collection, wholeDays.map((d) => dayId(new Date(d))));
  let documentsRead = days.size;
  const usable = (d: number) => {
    const b = days.get(dayId(new Date(d)));
    return b && b.hours === 24 && Date.parse(b.readUntil) >= d + DAY_MS ? b : null;
  };
  const hourIds: string[] = [];
  for (let t = s; t < e; t += HOUR_MS) if (!usable(floorDay(t).getTime())) hourIds.push(hourId(new Date(t)));
  const hours = await readBuckets(records, collection, hourIds);
  documentsRead += hours.size;
  const minMs = config.dataCollection.minSessionDurationMs;
  for (const b of [...days.values(), ...hours.values()]) {
    if (b.minSessionDurationMs !== minMs) {
      throw new ConfigError(`rollup ${b.kind} ${b.start} was built with dataCollection.minSessionDurationMs ${b.minSessionDurationMs}, the config says ${minMs}: rebuild the rollups with \`retrain rollup --rebuild\``, { key: 'dataCollection.minSessionDurationMs', bucket: b.start });
    }
  }

  const perDay = new Map<string, BucketBody[]>();
  const add = (day: string, b: BucketBody) => perDay.set(day, [...(perDay.get(day) ?? []), b]);
  for (let d = floorDay(s).getTime(); d < e; d += DAY_MS) {
    const u = usable(d);
    if (u) add(u.start.slice(0, 10), body(u));
  }
  let missingHours = 0;
  let partialHours = 0;
  for (const id of hourIds) {
    const b = hours.get(id);
    if (b) add(b.start.slice(0, 10), body(b));
    else missingHours += 1;
    if (b && b.readUntil < b.end) partialHours += 1;
  }
  const dayBodies = new Map([...perDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, bs]) => [day, sumBodies(bs)] as const));
  return { start: w.start, end: w.end, body: sumBodies([...dayBodies.values()]), days: opts.byDay ? dayBodies : new Map(), missingHours, partialHours, documentsRead };
}
