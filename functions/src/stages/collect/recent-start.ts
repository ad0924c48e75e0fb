/**
 * Where a capped collection starts so that it keeps the newest sessions of its window. The log
 * port reads in ascending time order; stopping at `maxSamples` would keep the oldest rows, so a
 * full retrain over 90 days of history would retrain on the same pre-drift weeks forever. When
 * the window holds more sessions than the cap (one aggregate count tells), slices of the window
 * are read from its end backwards, counting the sessions that would become rows (valid, long
 * enough, targets inferable), until the cap is reached; the collection then reads forwards from
 * the instant of the oldest row it needs. The extra reading is bounded by the rows kept.
 */
import { inferTargets } from '../../data/targets.ts';
import type { Ports } from '../../ports/index.ts';
import { validateLog } from './log-validation.ts';
import type { CollectionWindow } from './window.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What `recentStart` needs to know. */
export interface RecentStartOptions {
  window: CollectionWindow;
  minSessionDurationMs: number;
  maxSamples: number;
  pageSize: number;
}

/** Length of the backward slices: a thirtieth of the window, between one hour and one day. */
export function sliceMs(window: CollectionWindow): number {
  return Math.min(DAY_MS, Math.max(HOUR_MS, (window.end.getTime() - window.start.getTime()) / 30));
}

/** Where a collection starts, and what the store's count said. */
export interface RecentStart {
  /** The instant from which the newest `maxSamples` rows of the window start, or null when all of it fits. */
  from: Date | null;
  /** Sessions of the window long enough to be collected, as the store counts them (0 when not asked). */
  stored: number;
}

/** Where the newest `maxSamples` rows of the window start. */
export async function recentStart(ports: Pick<Ports, 'logs'>, opts: RecentStartOptions): Promise<RecentStart> {
  const { window, minSessionDurationMs, maxSamples, pageSize } = opts;
  if (maxSamples <= 0) return { from: null, stored: 0 };
  const stored = await ports.logs.count({ start: window.start, end: window.end, minSessionDurationMs });
  if (stored <= maxSamples) return { from: null, stored };
  const step = sliceMs(window);
  let found = 0;
  let sliceEnd = window.end.getTime();
  while (sliceEnd > window.start.getTime()) {
    const sliceStart = Math.max(window.start.getTime(), sliceEnd - step);
    const stamps: number[] = [];
    for await (const page of ports.logs.pages({ start: new Date(sliceStart), end: new Date(sliceEnd), minSessionDurationMs, pageSize })) {
      for (const raw of page) {
        const v = validateLog(raw.data);
        if (v.ok && v.log.session_duration >= minSessionDurationMs && inferTargets(v.log).ok) stamps.push(v.log.timestamp);
      }
    }
    if (found + stamps.length >= maxSamples) {
      stamps.sort((a, b) => b - a);
      return { from: new Date(stamps[maxSamples - found - 1]), stored };
    }
    found += stamps.length;
    sliceEnd = sliceStart;
  }
  return { from: null, stored };
}
