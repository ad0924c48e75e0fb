/** Sticky assignment: uniform buckets, a share within its percentage, only the margin moves. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUCKETS, assignVariant, canarySalt, inCanaryShare, userBucket } from '../../functions/src/serving/assignment.ts';

describe('assignment', () => {
  const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

  it('buckets are stable, in range, and spread evenly', () => {
    const salt = canarySalt('dep_a');
    const counts = new Array(10).fill(0);
    for (const u of users) {
      const b = userBucket(u, salt);
      assert.equal(b, userBucket(u, salt));
      assert.ok(b >= 0 && b < BUCKETS);
      counts[Math.floor(b / 1000)]++;
    }
    for (const c of counts) assert.ok(Math.abs(c - 2000) < 200, counts.join());
  });

  for (const pct of [1, 10, 33.3, 90]) {
    it(`a ${pct} % canary gets ${pct} % ± 1 point of users`, () => {
      const state = { version: 'v_a', canary: { version: 'v_b', percentage: pct, startedAt: '2026-01-01T00:00:00Z', salt: canarySalt(`dep_${pct}`), deploymentId: null } };
      const share = users.filter((u) => assignVariant(state, u).variant === 'canary').length / users.length;
      assert.ok(Math.abs(share - pct / 100) < 0.01, String(share));
    });
  }

  it('raising the percentage moves only users at the margin; a new salt reshuffles', () => {
    const salt = canarySalt('dep_x');
    const at = (p: number) => users.map((u) => inCanaryShare(userBucket(u, salt), p));
    const p10 = at(10);
    const p20 = at(20);
    p10.forEach((inside, i) => inside && assert.equal(p20[i], true));
    const other = users.map((u) => inCanaryShare(userBucket(u, canarySalt('dep_y')), 10));
    const same = p10.filter((v, i) => v && other[i]).length / p10.filter(Boolean).length;
    assert.ok(same < 0.2, `overlap ${same}`);
  });

  it('no state: the default stylesheet; no canary: the stable version', () => {
    assert.deepEqual(assignVariant(null, 'u'), { version: null, variant: 'default' });
    assert.deepEqual(assignVariant({ version: 'v_a', canary: null }, 'u'), { version: 'v_a', variant: 'current' });
  });
});
