/**
 * The dashboard's access in the Firebase deployment, through firebase-admin: ID tokens verified
 * by `verifyIdToken` (revocation checked too, so revoking a user's sessions closes the dashboard at
 * once), and the `admin` custom claim granted or revoked with `setCustomUserClaims`. Honours
 * FIREBASE_AUTH_EMULATOR_HOST like every firebase-admin client.
 */
import { getAuth, type UserRecord } from 'firebase-admin/auth';
import { adminApp } from '../adapters/cloud/index.ts';
import type { RetrainingConfig } from '../config/schema.ts';
import { ADMIN_CLAIM, adminClaimAccess, type AccessPolicy } from './access.ts';

/** The deployed function's policy: a verified, unrevoked ID token with `admin: true`. */
export function firebaseAdminAccess(config: RetrainingConfig): AccessPolicy {
  return adminClaimAccess((token) => getAuth(adminApp(config)).verifyIdToken(token, true));
}

/** A user's id, email and custom claims after a change. */
export interface ClaimChange {
  uid: string;
  email: string | null;
  claims: Record<string, unknown>;
}

/** Find a user by email (anything with an `@`) or uid. */
async function findUser(config: RetrainingConfig, who: string): Promise<UserRecord> {
  const auth = getAuth(adminApp(config));
  return who.includes('@') ? await auth.getUserByEmail(who) : await auth.getUser(who);
}

/**
 * Grant (or revoke) the `admin` claim, keeping the user's other claims. The user's next ID token
 * carries it: a token already issued keeps its old claims until it is refreshed (at most an hour).
 */
export async function setAdminClaim(config: RetrainingConfig, who: string, grant: boolean): Promise<ClaimChange> {
  const user = await findUser(config, who);
  const claims: Record<string, unknown> = { ...(user.customClaims ?? {}) };
  if (grant) claims[ADMIN_CLAIM] = true;
  else delete claims[ADMIN_CLAIM];
  await getAuth(adminApp(config)).setCustomUserClaims(user.uid, claims);
  return { uid: user.uid, email: user.email ?? null, claims };
}

/** The users holding the `admin` claim (scans every user: fine for a project's handful of staff). */
export async function listAdmins(config: RetrainingConfig): Promise<ClaimChange[]> {
  const auth = getAuth(adminApp(config));
  const out: ClaimChange[] = [];
  let pageToken: string | undefined;
  do {
    const page = await auth.listUsers(1000, pageToken);
    for (const u of page.users) if (u.customClaims?.[ADMIN_CLAIM] === true) out.push({ uid: u.uid, email: u.email ?? null, claims: u.customClaims });
    pageToken = page.pageToken;
  } while (pageToken);
  return out;
}
