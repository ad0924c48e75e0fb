/**
 * The WebAssembly kernels: the compiled bytes in kernels-binary.ts are those of kernels.wat
 * (`npm run build:wasm`), and each kernel computes what its TypeScript description says, on
 * random inputs, bit for bit.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildGradientIndex } from '../../../functions/src/engine/data/gradient-index.ts';
import { allocate, kernelMemory, kernels } from '../../../functions/src/engine/wasm/kernels.ts';

const root = path.join(import.meta.dirname, '../../..');

function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

describe('WebAssembly kernels', () => {
  it('kernels-binary.ts is compiled from kernels.wat (npm run build:wasm)', () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/build-wasm.ts'), '--check'], { cwd: root, stdio: 'pipe' });
  });

  for (const width of [2, 4] as const) {
    it(`histogram and partition of u${width * 8} bin ids equal a plain row-by-row pass`, () => {
      const rnd = random(width);
      const nrow = 501;
      // u32 ids need more than 65,536 bins in all: many distinct values in many columns.
      const ncol = width === 2 ? 5 : 300;
      const maxBin = width === 2 ? 16 : 256;
      const data = new Float32Array(nrow * ncol).map(() => (rnd() < 0.1 ? NaN : Math.floor(rnd() * 1000)));
      const g = buildGradientIndex(data, nrow, ncol, maxBin);
      assert.equal(g.index.BYTES_PER_ELEMENT, width);
      const k = kernels(g.memory);
      const at = allocate(g.memory, nrow * 16 + g.totalBins * 16);
      const buffer = g.memory.buffer;
      const gh = new Float32Array(buffer, at, 2 * nrow);
      for (let i = 0; i < gh.length; i++) gh[i] = rnd() - 0.5;
      const rows = new Uint32Array(buffer, at + nrow * 8, nrow);
      const scratch = at + nrow * 12;
      const hist = new Float64Array(buffer, at + nrow * 16, 2 * g.totalBins);
      // A node: every third row, ascending.
      let m = 0;
      for (let r = 0; r < nrow; r += 3) rows[m++] = r;
      (width === 2 ? k.hist_u16 : k.hist_u32)(g.index.byteOffset, ncol, gh.byteOffset, rows.byteOffset, 1, m, hist.byteOffset);
      const expected = new Float64Array(2 * g.totalBins);
      for (let i = 1; i < m; i++) {
        const r = rows[i];
        for (let f = 0; f < ncol; f++) {
          const b = g.index[r * ncol + f];
          expected[2 * b] += gh[2 * r];
          expected[2 * b + 1] += gh[2 * r + 1];
        }
      }
      // Compared cell by cell: a failing deepEqual of 150,000 numbers would print (and diff) them all.
      const differ = hist.findIndex((v, i) => !Object.is(v, expected[i]));
      assert.equal(differ, -1, `histogram cell ${differ}: ${hist[differ]} instead of ${expected[differ]}`);
      assert.ok(expected.some((v) => v !== 0));

      const f = 3;
      const splitBin = g.cuts.ptrs[f] + 2;
      const missing = g.numCutBins + f;
      for (const defaultLeft of [0, 1]) {
        k.iota(rows.byteOffset, nrow);
        const left = (width === 2 ? k.partition_u16 : k.partition_u32)(g.columns.byteOffset + f * nrow * width, rows.byteOffset, scratch, 10, nrow, splitBin, missing, defaultLeft);
        const goesLeft = (r: number) => g.columns[f * nrow + r] <= splitBin || (defaultLeft === 1 && g.columns[f * nrow + r] === missing);
        const all = Array.from({ length: nrow - 10 }, (_, i) => i + 10);
        const want = [...all.filter(goesLeft), ...all.filter((r) => !goesLeft(r))];
        assert.equal(left, 10 + all.filter(goesLeft).length);
        assert.deepEqual(Array.from(rows.subarray(10)), want);
        assert.deepEqual(Array.from(rows.subarray(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
    });
  }

  it('a memory that cannot grow any further fails with a clear error', () => {
    const memory = kernelMemory(1);
    assert.throws(() => allocate(memory, 5 * 2 ** 30), /engine memory .* 4 GiB/);
  });
});
