/**
 * Who may read the dashboard's data. The page and its scripts hold no data and are served to
 * anyone; `/api/…` and `/reports/…` answer only when the access policy allows the request:
 * on the loopback server everyone (it binds 127.0.0.1), in the cloud a Firebase Auth user whose
 * ID token (`Authorization: Bearer <token>`) verifies and carries the `admin` custom claim —
 * 401 without a valid token, 403 without the claim.
 */

/** The custom claim that opens the dashboard (`{ admin: true }`, set with `retrain access grant`). */
export const ADMIN_CLAIM = 'admin';

/** The outcome of an access check. */
export type AccessResult =
  | { allowed: true; user: string | null }
  | { allowed: false; status: 401 | 403 | 503; message: string };

/** Decides on a request from its Authorization header. */
export interface AccessPolicy {
  /** What the policy is, for logs and the page (`local`, `firebase-admin-claim`). */
  readonly name: string;
  check(authorization: string | undefined): Promise<AccessResult>;
}

/** The claims of a verified ID token that the policy reads. */
export interface VerifiedToken {
  uid: string;
  [claim: string]: unknown;
}

/** Verifies an ID token (firebase-admin `verifyIdToken`); rejects when it is invalid, expired or revoked. */
export type VerifyIdToken = (token: string) => Promise<VerifiedToken>;

/** Everyone may read: the loopback server of `retrain dashboard`. */
export const localAccess: AccessPolicy = {
  name: 'local',
  check: async () => ({ allowed: true, user: null }),
};

/** The bearer token of an Authorization header, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m ? m[1] : null;
}

/**
 * A token that fails verification is the caller's problem (401); a failure to verify at all —
 * the Auth backend or its public keys out of reach — is ours, and says so (503).
 */
function isTokenProblem(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('auth/') && code !== 'auth/internal-error';
}

/** Only verified users whose token carries `claim: true`. */
export function adminClaimAccess(verify: VerifyIdToken, claim = ADMIN_CLAIM): AccessPolicy {
  return {
    name: 'firebase-admin-claim',
    async check(authorization) {
      const token = bearerToken(authorization);
      if (!token) return { allowed: false, status: 401, message: 'sign-in required: send a Firebase ID token as "Authorization: Bearer <token>"' };
      let decoded: VerifiedToken;
      try {
        decoded = await verify(token);
      } catch (err) {
        if (isTokenProblem(err)) return { allowed: false, status: 401, message: 'the ID token is invalid, expired or revoked' };
        return { allowed: false, status: 503, message: 'the ID token could not be verified now; try again' };
      }
      if (decoded[claim] !== true) return { allowed: false, status: 403, message: `user ${decoded.uid} lacks the "${claim}" custom claim` };
      return { allowed: true, user: decoded.uid };
    },
  };
}
