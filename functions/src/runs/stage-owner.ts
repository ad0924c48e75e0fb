/**
 * Who holds a stage while it runs: a process on a machine (`{ host, pid, boot }`, stored on the
 * stage). A delivery that finds the stage running checks its owner: a process of this very machine
 * (same host and kernel boot id) that no longer runs crashed (`kill -9`, a power cut of the CLI),
 * and its stage is taken over at once instead of after the lease — so the rerun of a crashed
 * `retrain auto` succeeds straight away. Where the owner cannot be judged — another machine, a
 * reboot since, no boot id (not Linux), or inside Cloud Functions / Cloud Run, where instances
 * share host names and pids — only the lease ends the claim.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { processRuns } from '../shared/process-liveness.ts';

/** The process that claimed a stage. */
export const StageOwnerSchema = z.object({
  host: z.string(),
  pid: z.number().int().positive(),
  /** The kernel's boot id (Linux); null where liveness cannot be judged (other systems, the cloud). */
  boot: z.string().nullable(),
});
/** The process that claimed a stage. */
export type StageOwner = z.infer<typeof StageOwnerSchema>;

function bootId(): string | null {
  // Instances of a Cloud Function (Cloud Run) are not machines we can see into.
  if (process.env.K_SERVICE || process.env.FUNCTION_TARGET) return null;
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

const SELF: StageOwner = { host: hostname(), pid: process.pid, boot: bootId() };

/** This process, as stored on the stages it claims. */
export function currentOwner(): StageOwner {
  return { ...SELF };
}

/** True when the owner is known to be gone: a process of this machine, since its boot, that no longer runs. */
export function ownerGone(owner: StageOwner | undefined): boolean {
  if (!owner || !owner.boot || owner.boot !== SELF.boot || owner.host !== SELF.host) return false;
  return !processRuns(owner.pid);
}
