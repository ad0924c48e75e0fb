/** Ports for the training tests: the embedded adapters over a fresh temp folder and a fixed clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closePorts, openPorts } from '../../../functions/src/adapters/open.ts';
import { parseConfig } from '../../../functions/src/config/load.ts';
import type { RetrainingConfig } from '../../../functions/src/config/schema.ts';
import { fixedClock } from '../../../functions/src/ports/clock.ts';
import type { Ports } from '../../../functions/src/ports/index.ts';

/** Embedded ports with a settable clock, and a way to remove everything. */
export type TestPorts = Ports & { clock: ReturnType<typeof fixedClock>; dir: string; close(): Promise<void> };

/** Open embedded ports under a new temp folder. */
export async function openTestPorts(config: RetrainingConfig = parseConfig({}), at = '2026-11-27T08:00:00Z'): Promise<TestPorts> {
  const dir = mkdtempSync(path.join(tmpdir(), 'train-test-'));
  const clock = fixedClock(at);
  const ports = await openPorts(config, { backend: 'embedded', root: dir, clock });
  return Object.assign(ports, {
    clock,
    dir,
    async close() {
      await closePorts(ports);
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
