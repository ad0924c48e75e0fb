/**
 * Which variant a user gets: a sticky hash of `user_id` salted with the canary's salt, mapped to
 * one of 10,000 buckets. A user is on the canary when their bucket is below `percentage × 100`,
 * so the same user keeps the same variant for the life of a canary (the salt changes only with a
 * new canary), and raising the percentage moves only the users whose buckets lie between the old
 * and the new threshold — nobody flips back and forth.
 */
import { createHash } from 'node:crypto';
import type { CurrentPointer } from '../models/registry.ts';

/** Buckets of the assignment hash (a percentage has two decimals of resolution). */
export const BUCKETS = 10_000;

/** The bucket of a user under a salt, in [0, BUCKETS). */
export function userBucket(userId: string, salt: string): number {
  const digest = createHash('sha256').update(salt).update('\u0000').update(userId).digest();
  // 2^32 is 429,496 × 10,000 + 7,296: the modulo bias is below 2.5e-6, far under any canary's noise.
  return digest.readUInt32BE(0) % BUCKETS;
}

/** True when a bucket falls in a canary of `percentage` % (0 < percentage < 100). */
export function inCanaryShare(bucket: number, percentage: number): boolean {
  return bucket < Math.round(percentage * (BUCKETS / 100));
}

/** The version and variant a user is served under a serving state (null state: none). */
export function assignVariant(state: Pick<CurrentPointer, 'version' | 'canary'> | null, userId: string): { version: string | null; variant: 'current' | 'canary' | 'default' } {
  if (!state) return { version: null, variant: 'default' };
  const c = state.canary;
  if (c && inCanaryShare(userBucket(userId, c.salt), c.percentage)) return { version: c.version, variant: 'canary' };
  return { version: state.version, variant: 'current' };
}

/**
 * The salt of a new canary, from its deployment id: every canary reshuffles who is in it, and a
 * replayed deployment (same id) gets the same users.
 */
export function canarySalt(deploymentId: string): string {
  return createHash('sha256').update('canary-salt').update('\u0000').update(deploymentId).digest('hex').slice(0, 16);
}
