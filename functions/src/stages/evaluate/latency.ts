/**
 * Warm prediction latency of a whole version (scaling and all eleven models), measured the way
 * it is served: 1,000-row batches for the batch path, single rows for a session. One warm-up
 * run first, so the numbers exclude parsing and JIT start-up.
 */
import { predictBundle, type LoadedBundle } from '../../models/bundle.ts';
import type { Latency } from './evaluation-report.ts';

/** Rows of a latency batch. */
export const LATENCY_BATCH_ROWS = 1000;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Time `repeats` predictions (0: not measured, all zeros — for internal comparisons that only need the metrics) of 1,000 rows (the data's first rows, repeated if fewer) and 200 single rows. */
export function measureLatency(bundle: Pick<LoadedBundle, 'scaler' | 'labels' | 'boosters'>, values: Float32Array, nrow: number, repeats = 15): Latency {
  if (repeats <= 0) return { p50MsPer1k: 0, p95MsPer1k: 0, p50MsPerRow: 0, cpuMsPer1k: 0, repeats: 1 };
  const ncol = bundle.scaler.features.length;
  const batch = new Float32Array(LATENCY_BATCH_ROWS * ncol);
  if (nrow > 0) for (let r = 0; r < LATENCY_BATCH_ROWS; r++) batch.set(values.subarray((r % nrow) * ncol, (r % nrow) * ncol + ncol), r * ncol);
  predictBundle(bundle, batch, LATENCY_BATCH_ROWS);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    predictBundle(bundle, batch, LATENCY_BATCH_ROWS);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const single: number[] = [];
  for (let i = 0; i < 200; i++) {
    const row = batch.subarray((i % LATENCY_BATCH_ROWS) * ncol, (i % LATENCY_BATCH_ROWS) * ncol + ncol);
    const t0 = performance.now();
    predictBundle(bundle, row, 1);
    single.push(performance.now() - t0);
  }
  single.sort((a, b) => a - b);
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return { p50MsPer1k: r3(percentile(times, 0.5)), p95MsPer1k: r3(percentile(times, 0.95)), p50MsPerRow: r3(percentile(single, 0.5)), cpuMsPer1k: r3(cpu[0]), repeats };
}
