/** Worker thread of `predictOnWorker`: loads the models it is given and predicts one shared matrix. */
import { parentPort, workerData } from 'node:worker_threads';
import { Booster } from './booster.ts';
import { DMatrix } from './data/dmatrix.ts';

const { models, values, nrow, ncol } = workerData as { models: Record<string, string>; values: Float32Array; nrow: number; ncol: number };
try {
  const dm = new DMatrix(values, nrow, ncol);
  const out: Record<string, Float32Array> = {};
  for (const [name, text] of Object.entries(models)) out[name] = Booster.loadModel(text).predict(dm);
  parentPort!.postMessage({ out }, Object.values(out).map((a) => a.buffer as ArrayBuffer));
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
