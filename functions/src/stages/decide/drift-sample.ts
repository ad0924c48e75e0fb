/**
 * The sessions a drift check looks at: every valid session of the trigger's window (new data since
 * the last training, at most `triggers.dataVolume.windowDays`), turned into the 19 model features
 * exactly as collection does (data/features.ts), row-major in float32 like a training table.
 * Feature drift is a property of the traffic, so every session counts, whatever served it.
 */
import { FEATURE_COUNT, prepareFeaturesV2 } from '../../data/features.ts';
import type { Ports } from '../../ports/index.ts';
import { validateLog } from '../collect/log-validation.ts';
import type { TimeWindow } from './trigger.ts';

/** Rows read at most (the newest are what matters, but a week of traffic fits many times over). */
export const DRIFT_MAX_ROWS = 200_000;

/** Feature rows of a window. */
export interface DriftSample {
  rows: number;
  /** Row-major, `rows × FEATURE_COUNT`, NaN = missing. */
  values: Float32Array;
}

/** Read the window's valid sessions as feature rows. */
export async function readDriftSample(ports: Pick<Ports, 'logs'>, window: TimeWindow, opts: { minSessionDurationMs: number; pageSize: number }): Promise<DriftSample> {
  let values = new Float32Array(1024 * FEATURE_COUNT);
  const row = new Float64Array(FEATURE_COUNT);
  let rows = 0;
  const query = { start: window.start, end: window.end, minSessionDurationMs: opts.minSessionDurationMs, pageSize: opts.pageSize, limit: DRIFT_MAX_ROWS };
  for await (const page of ports.logs.pages(query)) {
    for (const raw of page) {
      const v = validateLog(raw.data);
      if (!v.ok) continue;
      if ((rows + 1) * FEATURE_COUNT > values.length) {
        const grown = new Float32Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      prepareFeaturesV2(v.log.context, row, 0);
      values.set(row, rows * FEATURE_COUNT);
      rows += 1;
    }
  }
  return { rows, values: values.subarray(0, rows * FEATURE_COUNT) };
}
