/** Worker thread of the prediction pool: predicts the row ranges it is sent, one at a time. */
import { parentPort } from 'node:worker_threads';
import type { ChunkJob } from './predict-pool.ts';
import { predictRows } from './predict-rows.ts';

parentPort!.on('message', (job: ChunkJob) => {
  try {
    const out = job.tasks.map((t) => predictRows(t, job.values, job.ncol, job.r0, job.r1));
    parentPort!.postMessage({ out }, out.map((a) => a.buffer as ArrayBuffer));
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
  }
});
