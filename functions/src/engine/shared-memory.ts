/**
 * Float32 matrices in shared memory, which worker threads (training and prediction) read without
 * a copy. A matrix built in one from the start (as the dataset reader does) is passed as it is.
 */

/** A zeroed Float32Array in shared memory. */
export function sharedFloat32Array(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/** `values` itself when it is already in shared memory, else a shared copy. */
export function inSharedMemory(values: Float32Array): Float32Array {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const s = sharedFloat32Array(values.length);
  s.set(values);
  return s;
}
