/**
 * The worker threads that predict (`predictMany`), kept between calls so that a second prediction
 * does not pay for starting threads again. A worker holds the event loop only while it works:
 * idle, it is unref'd (the process may exit) and ended after `IDLE_MS`.
 */
import { Worker } from 'node:worker_threads';
import { DataError } from '../shared/errors.ts';
import type { ForestTask } from './predict-rows.ts';

/** Rows [r0, r1) of a shared matrix, predicted by every model of `tasks`. */
export interface ChunkJob {
  values: Float32Array;
  ncol: number;
  r0: number;
  r1: number;
  tasks: ForestTask[];
}

/** The worker file next to this one: `.ts` when run from source, `.js` once compiled (Cloud Functions). */
const WORKER_URL = new URL(`./predict-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** An idle worker is ended after this long: a batch of predictions reuses it, a finished job frees its memory. */
const IDLE_MS = 5_000;

interface Pending {
  job: ChunkJob;
  resolve: (out: Float32Array[]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  current: Pending | null;
  idleTimer: NodeJS.Timeout | null;
}

const slots = new Set<Slot>();
const idle: Slot[] = [];
const queue: Pending[] = [];
let capacity = 0;

/** Predict `job` on a pooled worker; at most `workers` run at once (the largest count any caller asked for). */
export function runChunk(job: ChunkJob, workers: number): Promise<Float32Array[]> {
  capacity = Math.max(capacity, workers);
  return new Promise((resolve, reject) => {
    queue.push({ job, resolve, reject });
    dispatch();
  });
}

function dispatch(): void {
  while (queue.length) {
    let slot = idle.pop();
    if (!slot) {
      if (slots.size >= capacity) return;
      slot = spawn();
    }
    start(slot, queue.shift()!);
  }
}

function start(slot: Slot, p: Pending): void {
  if (slot.idleTimer) clearTimeout(slot.idleTimer);
  slot.idleTimer = null;
  slot.current = p;
  slot.worker.ref();
  slot.worker.postMessage(p.job);
}

function spawn(): Slot {
  const worker = new Worker(WORKER_URL);
  const slot: Slot = { worker, current: null, idleTimer: null };
  slots.add(slot);
  worker.on('message', (msg: { out?: Float32Array[]; error?: string }) => {
    const p = slot.current!;
    slot.current = null;
    if (msg.error !== undefined) p.reject(new DataError(`prediction on a worker failed: ${msg.error}`, { stage: 'engine', code: 'PREDICT_WORKER_FAILED' }));
    else p.resolve(msg.out!);
    release(slot);
  });
  // A crash (out of memory, an uncaught error) ends the worker: fail its job, forget the slot.
  const fail = (err: Error) => {
    const p = slot.current;
    slot.current = null;
    drop(slot);
    p?.reject(new DataError(`prediction on a worker failed: ${err.message}`, { stage: 'engine', code: 'PREDICT_WORKER_FAILED', cause: err }));
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the prediction worker exited with code ${code}`)));
  return slot;
}

function release(slot: Slot): void {
  if (queue.length) return start(slot, queue.shift()!);
  slot.worker.unref();
  idle.push(slot);
  slot.idleTimer = setTimeout(() => {
    drop(slot);
    void slot.worker.terminate();
  }, IDLE_MS).unref();
}

function drop(slot: Slot): void {
  if (slot.idleTimer) clearTimeout(slot.idleTimer);
  slot.idleTimer = null;
  slots.delete(slot);
  const i = idle.indexOf(slot);
  if (i >= 0) idle.splice(i, 1);
  // A place freed: a queued job may start on a new worker.
  dispatch();
}

/** End every pooled worker now (tests; a process that wants its threads gone at once). */
export async function closePredictPool(): Promise<void> {
  for (const p of queue.splice(0)) p.reject(new DataError('the prediction pool was closed', { stage: 'engine', code: 'PREDICT_WORKER_FAILED' }));
  const all = [...slots];
  for (const s of all) drop(s);
  await Promise.all(all.map((s) => s.worker.terminate()));
}
