import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminClaimAccess, bearerToken, localAccess, type VerifiedToken } from '../../functions/src/dashboard/access.ts';

/** A verifier that knows a few tokens, and fails the others the way firebase-admin does. */
async function verify(token: string): Promise<VerifiedToken> {
  const known: Record<string, VerifiedToken> = {
    admin: { uid: 'alice', admin: true },
    user: { uid: 'bob' },
    stringy: { uid: 'carol', admin: 'true' },
  };
  if (token === 'down') throw Object.assign(new Error('could not fetch public keys'), { code: 'auth/internal-error' });
  if (token === 'boom') throw new Error('socket hang up');
  if (token === 'expired') throw Object.assign(new Error('Firebase ID token has expired'), { code: 'auth/id-token-expired' });
  const t = known[token];
  if (!t) throw Object.assign(new Error('Decoding Firebase ID token failed'), { code: 'auth/argument-error' });
  return t;
}

describe('dashboard access', () => {
  it('reads the bearer token of an Authorization header', () => {
    assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
    assert.equal(bearerToken('bearer   abc '), 'abc');
    assert.equal(bearerToken('Basic abc'), null);
    assert.equal(bearerToken('Bearer'), null);
    assert.equal(bearerToken('Bearer a b'), null);
    assert.equal(bearerToken(undefined), null);
  });

  const policy = adminClaimAccess(verify);
  const cases: Array<[string, string | undefined, number | 'ok']> = [
    ['no header: 401', undefined, 401],
    ['another scheme: 401', 'Basic YWRtaW46YWRtaW4=', 401],
    ['a token that does not decode: 401', 'Bearer garbage', 401],
    ['an expired token: 401', 'Bearer expired', 401],
    ['a valid token without the claim: 403', 'Bearer user', 403],
    ['a claim that is not exactly true: 403', 'Bearer stringy', 403],
    ['the admin claim: allowed', 'Bearer admin', 'ok'],
    ['the Auth backend out of reach: 503, not a verdict on the user', 'Bearer down', 503],
    ['an unexpected failure of the verifier: 503', 'Bearer boom', 503],
  ];
  for (const [name, header, expected] of cases) {
    it(name, async () => {
      const result = await policy.check(header);
      if (expected === 'ok') assert.deepEqual(result, { allowed: true, user: 'alice' });
      else assert.equal(!result.allowed && result.status, expected);
    });
  }

  it('a 403 names the user and the claim; the loopback policy allows everyone', async () => {
    const r = await policy.check('Bearer user');
    assert.ok(!r.allowed && /bob/.test(r.message) && /"admin"/.test(r.message));
    assert.deepEqual(await localAccess.check(undefined), { allowed: true, user: null });
  });
});
