/** Options every store-backed command shares, declared once so their names, help and checks agree. */
import { InvalidArgumentError, type Command } from 'commander';
import { clockFrom, type Clock } from '../ports/clock.ts';

/** Where a command's ports come from. */
export type BackendName = 'embedded' | 'cloud';

/** The flags added by `storeOptions`. */
export interface StoreFlags {
  config?: string;
  backend?: BackendName;
  root?: string;
  json?: boolean;
}

/** Commander parser of `--backend`: only the two backends. */
export function parseBackend(value: string): BackendName {
  if (value === 'embedded' || value === 'cloud') return value;
  throw new InvalidArgumentError('expected embedded or cloud');
}

/** Commander parser of an ISO 8601 instant (`--at`): kept as given, checked that it parses. */
export function parseInstant(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('expected an ISO 8601 date-time');
  return value;
}

/** Commander parser of a positive whole number. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** Add `--config`, `--backend`, `--root` and `--json` to a command. */
export function storeOptions(cmd: Command, help: { backend?: string; root?: string; json?: string } = {}): Command {
  return cmd
    .option('--config <file>', 'config file (default: config/retraining.yaml)')
    .option('--backend <name>', help.backend ?? 'embedded (SQLite + folder bucket, the default) or cloud (Firestore, Cloud Storage, Pub/Sub); else RETRAIN_BACKEND', parseBackend)
    .option('--root <dir>', help.root ?? 'base folder of a relative pipeline.embedded.dir (default: the repository root)')
    .option('--json', help.json ?? 'machine-readable output');
}

/** The clock of a command given `--at`: the replayed instant, running on (undefined: the real clock). */
export function clockOf(at: string | undefined): Clock | undefined {
  return at === undefined ? undefined : clockFrom(at);
}
