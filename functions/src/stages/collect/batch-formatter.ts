/**
 * Formats row batches into CSV bytes, on the calling thread or in a worker thread. With an idle
 * second core the worker formats page k while the stage reads and validates page k + 1; the bytes
 * are identical either way (same `formatBatch`).
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { formatBatch, type RowBatch, type RowLayout } from './row-batch.ts';

/** Batches in, bytes out, in order. */
export interface BatchFormatter {
  format(batch: RowBatch): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Format on the calling thread. */
export function inlineFormatter(layout: RowLayout): BatchFormatter {
  return {
    format: async (batch) => formatBatch(layout, batch),
    close: async () => {},
  };
}

// `.ts` when run from source (type stripping), `.js` once built to lib/.
const WORKER_URL = new URL(`./csv-worker${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * V8's young generation in the CSV worker: its garbage is a few small objects per batch (the
 * bytes are one buffer outside the heap), so a small one costs no speed and keeps the process's
 * peak lower.
 */
const WORKER_YOUNG_GENERATION_MB = 4;

/** Format in a worker thread; replies are matched to requests in order. */
export function workerFormatter(layout: RowLayout): BatchFormatter {
  const worker = new Worker(WORKER_URL, { workerData: layout, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
  const waiting: Array<{ resolve: (b: Uint8Array) => void; reject: (e: unknown) => void }> = [];
  let failure: unknown = null;
  const failAll = (err: unknown) => {
    failure ??= err;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  worker.on('message', (bytes: Uint8Array) => waiting.shift()?.resolve(bytes));
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`CSV worker exited with code ${code}`)));
  return {
    format(batch) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.postMessage(batch, [batch.nums.buffer as ArrayBuffer, batch.classes.buffer as ArrayBuffer]);
      });
    },
    async close() {
      failure ??= new Error('CSV worker closed');
      await worker.terminate();
    },
  };
}

/** The worker when asked for and there is a second core to run it, else the calling thread. */
export function defaultFormatter(layout: RowLayout, useWorker: boolean): BatchFormatter {
  return useWorker && availableParallelism() > 1 ? workerFormatter(layout) : inlineFormatter(layout);
}
