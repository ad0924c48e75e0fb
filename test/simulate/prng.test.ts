import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../functions/src/simulate/prng.ts';

const take = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next());

describe('Rng', () => {
  it('same seed → same stream; another seed → another stream', () => {
    assert.deepEqual(take(new Rng(42), 50), take(new Rng(42), 50));
    assert.notDeepEqual(take(new Rng(42), 50), take(new Rng(43), 50));
  });

  it('next() stays in [0, 1) with a mean near 1/2 and int(n) covers 0…n−1', () => {
    const rng = new Rng(1);
    const xs = take(rng, 20_000);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
    const seen = new Set(Array.from({ length: 1000 }, () => rng.int(7)));
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4, 5, 6]);
  });

  it('normal() has mean ≈ 0 and variance ≈ 1; poisson(m) has mean ≈ m', () => {
    const rng = new Rng(2);
    const zs = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = zs.reduce((a, b) => a + b, 0) / zs.length;
    const variance = zs.reduce((a, b) => a + (b - mean) ** 2, 0) / zs.length;
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `${mean} ${variance}`);
    const ps = Array.from({ length: 20_000 }, () => rng.poisson(0.6));
    assert.ok(Math.abs(ps.reduce((a, b) => a + b, 0) / ps.length - 0.6) < 0.03);
  });

  it('weighted() follows the weights and never picks a zero weight', () => {
    const rng = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[rng.weighted([1, 0, 3])]++;
    assert.equal(counts[1], 0);
    assert.ok(Math.abs(counts[2] / 10_000 - 0.75) < 0.02, String(counts));
  });

  it('fork() gives independent, reproducible streams', () => {
    const a = new Rng(9).fork(1);
    const b = new Rng(9).fork(1);
    const c = new Rng(9).fork(2);
    assert.deepEqual(take(a, 10), take(b, 10));
    assert.notDeepEqual(take(new Rng(9).fork(1), 10), take(c, 10));
  });
});
