/**
 * Predict several models on one matrix on a worker thread, so that two large predictions (two
 * versions of a comparison) run on two cores at once. The matrix goes over as a
 * SharedArrayBuffer and the predictions come back transferred, never copied. Results equal
 * `Booster.predict` in-process exactly (same code, same float32 arithmetic).
 */
import { Worker } from 'node:worker_threads';
import { DataError } from '../shared/errors.ts';

/** The worker file next to this one: `.ts` when run from source, `.js` once compiled. */
const WORKER_URL = new URL(`./predict-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** Predictions (transformed, as `Booster.predict`) of every model text by name, on `values` (`nrow × ncol`, row-major). */
export async function predictOnWorker(models: Record<string, string>, values: Float32Array, nrow: number, ncol: number): Promise<Record<string, Float32Array>> {
  const sharedValues = values.buffer instanceof SharedArrayBuffer ? values : (() => {
    const s = new Float32Array(new SharedArrayBuffer(values.byteLength));
    s.set(values);
    return s;
  })();
  const worker = new Worker(WORKER_URL, { workerData: { models, values: sharedValues, nrow, ncol } });
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', (msg: { out?: Record<string, Float32Array>; error?: string }) =>
        msg.error ? reject(new DataError(`prediction on a worker failed: ${msg.error}`, { stage: 'engine' })) : resolve(msg.out!),
      );
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new DataError(`the prediction worker exited with code ${code}`, { stage: 'engine' })));
    });
  } finally {
    void worker.terminate();
  }
}
