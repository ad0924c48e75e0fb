/** Options every store-backed command shares, declared once so their names, help and checks agree. */
import { InvalidArgumentError, type Command } from 'commander';

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

/** Add `--config`, `--backend`, `--root` and `--json` to a command. */
export function storeOptions(cmd: Command, help: { backend?: string; root?: string; json?: string } = {}): Command {
  return cmd
    .option('--config <file>', 'config file (default: config/retraining.yaml)')
    .option('--backend <name>', help.backend ?? 'embedded (SQLite + folder bucket, the default) or cloud (Firestore, Cloud Storage, Pub/Sub); else RETRAIN_BACKEND', parseBackend)
    .option('--root <dir>', help.root ?? 'base folder of a relative pipeline.embedded.dir (default: the repository root)')
    .option('--json', help.json ?? 'machine-readable output');
}
