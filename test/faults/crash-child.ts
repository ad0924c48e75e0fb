/**
 * A process that runs the chain for a slot on a store and kills itself (SIGKILL) before its Nth
 * write: `RETRAIN_FAULT_EXIT_AT=<n> node test/faults/crash-child.ts <store dir> <slot>`. The
 * process-exit test starts it, then reruns the slot in its own process.
 */
import { FaultInjector } from './fault-ports.ts';
import { openProc, runForced, storeAt } from './harness.ts';

const [dir, at] = process.argv.slice(2);
const n = Number(process.env.RETRAIN_FAULT_EXIT_AT);
if (!dir || !at || !Number.isInteger(n) || n < 1) {
  console.error('usage: RETRAIN_FAULT_EXIT_AT=<n> node test/faults/crash-child.ts <store dir> <slot>');
  process.exit(2);
}
const proc = await openProc(storeAt(dir), at, new FaultInjector({ at: n, kind: 'exit' }));
await runForced(proc, at);
await proc.close();
// Reaching this line means the crash point was never reached.
process.exit(3);
