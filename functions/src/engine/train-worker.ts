/** Worker thread of `trainMany`: trains the jobs it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { PipelineError } from '../shared/errors.ts';
import { matrixCache, runJob, type JobSpec, type MatrixSpec } from './train-job.ts';

const matrices = (workerData as { matrices: MatrixSpec[] }).matrices;
const cache = matrixCache();

parentPort!.on('message', (msg: { i: number; job: JobSpec }) => {
  try {
    parentPort!.postMessage({ i: msg.i, result: runJob(msg.job, matrices, cache) });
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({ i: msg.i, error: { message: e.message, name: e.name, json: err instanceof PipelineError ? err.toJSON() : undefined } });
  }
});
