import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionSet } from '../../../functions/src/stages/collect/session-set.ts';

describe('session set', () => {
  it('reports a repeated id, across growth', () => {
    const s = new SessionSet(4);
    for (let i = 0; i < 50_000; i++) assert.equal(s.add(`sess-${i}`), true);
    assert.equal(s.size, 50_000);
    for (let i = 0; i < 50_000; i += 997) assert.equal(s.add(`sess-${i}`), false);
    assert.equal(s.add(''), true);
    assert.equal(s.add(''), false);
    assert.equal(s.size, 50_001);
  });
});
