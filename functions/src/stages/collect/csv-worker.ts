/**
 * The CSV formatting worker: turns row batches into UTF-8 bytes off the main thread, which
 * meanwhile reads and validates the next page. Replies in the order batches arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { formatBatch, type RowBatch, type RowLayout } from './row-batch.ts';

const layout = workerData as RowLayout;

parentPort!.on('message', (batch: RowBatch) => {
  // The formatter's buffer is an ArrayBuffer of its own (never Node's shared pool): moved, not copied.
  const bytes = formatBatch(layout, batch);
  parentPort!.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
});
