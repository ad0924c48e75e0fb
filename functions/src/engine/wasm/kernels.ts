/**
 * The engine's WebAssembly kernels (kernels.wat) and the memory they run on. A quantised matrix
 * is built inside a shared WebAssembly memory; every thread that trains on it instantiates the
 * kernels on that same memory (it travels to worker threads with the matrix), so nothing is
 * copied. Each thread takes the regions it writes (row lists, gradients, histograms) by growing
 * the memory: `memory.grow` is atomic, so two threads never get the same region, and views made
 * earlier stay valid because a shared memory never moves. The memory, with everything in it, is
 * freed when the last matrix, updater and worker holding it is gone.
 */
import { DataError } from '../../shared/errors.ts';
import { KERNELS_WASM } from './kernels-binary.ts';

const PAGE = 65536;
/** wasm32's limit: 4 GiB. */
const MAX_PAGES = 65536;

/** The exported kernels; addresses are byte offsets into the memory. */
export interface Kernels {
  /** Histogram of rows[begin..end) from u16 bin ids (see kernels.wat). */
  hist_u16(index: number, ncol: number, gh: number, rows: number, begin: number, end: number, hist: number): void;
  /** The same for u32 bin ids (more than 65,536 bins in all). */
  hist_u32(index: number, ncol: number, gh: number, rows: number, begin: number, end: number, hist: number): void;
  /** Stable partition of rows[begin..end) on one column of u16 bin ids; returns the end of the left rows. */
  partition_u16(column: number, rows: number, scratch: number, begin: number, end: number, splitBin: number, missingBin: number, defaultLeft: number): number;
  /** The same for u32 bin ids. */
  partition_u32(column: number, rows: number, scratch: number, begin: number, end: number, splitBin: number, missingBin: number, defaultLeft: number): number;
  /** rows[0..n) = 0…n−1. */
  iota(rows: number, n: number): void;
}

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, Kernels>();

/** A shared memory with room for `bytes` (more can be allocated later, up to 4 GiB). */
export function kernelMemory(bytes: number): WebAssembly.Memory {
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if (pages > MAX_PAGES) throw outOfMemory(bytes);
  return new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
}

/** Reserve `bytes` in `memory` for this thread's own use; returns the region's byte offset. */
export function allocate(memory: WebAssembly.Memory, bytes: number): number {
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  try {
    return memory.grow(pages) * PAGE;
  } catch {
    throw outOfMemory(memory.buffer.byteLength + bytes);
  }
}

/** The kernels bound to `memory` (instantiated once per memory and thread). */
export function kernels(memory: WebAssembly.Memory): Kernels {
  let k = instances.get(memory);
  if (!k) {
    compiled ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM, 'base64'));
    k = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as Kernels;
    instances.set(memory, k);
  }
  return k;
}

function outOfMemory(bytes: number): DataError {
  return new DataError(`training needs ${Math.ceil(bytes / 2 ** 20)} MiB of engine memory for the binned matrix and its buffers, above the 4 GiB a WebAssembly memory can hold: train on fewer rows`, {
    stage: 'engine',
    code: 'ENGINE_MEMORY',
  });
}
