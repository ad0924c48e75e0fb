/**
 * How the CLI talks: human-readable lines and progress bars on stderr, results on stdout,
 * exactly one JSON document on stdout with `--json`.
 */
import cliProgress from 'cli-progress';
import { PipelineError, describeError } from '../shared/errors.ts';

/** A progress indicator for long work. */
export interface Progress {
  /** Advance by `n` (default 1), optionally updating the shown detail. */
  tick(n?: number, detail?: string): void;
  /** Set the absolute value. */
  update(value: number, detail?: string): void;
  /** Change the total once it is known. */
  setTotal(total: number): void;
  stop(): void;
}

/** Output helpers bound to the global flags of one invocation. */
export interface Output {
  readonly json: boolean;
  /** A human-readable line on stderr (silent with --json or --quiet). */
  info(message: string): void;
  /** A warning on stderr (kept with --json, it goes to stderr). */
  warn(message: string): void;
  /** A progress bar on stderr when it is a terminal; sparse log lines otherwise; nothing with --json. */
  progress(label: string, total: number): Progress;
  /** The command's result: JSON with --json, else the human rendering. */
  result(value: unknown, human?: (value: any) => string): void;
}

/** Build the output helpers. */
export function createOutput(opts: { json?: boolean; quiet?: boolean } = {}): Output {
  const json = !!opts.json;
  const quiet = !!opts.quiet || json;
  const tty = !!process.stderr.isTTY;
  return {
    json,
    info(message) {
      if (!quiet) process.stderr.write(`${message}\n`);
    },
    warn(message) {
      process.stderr.write(`warning: ${message}\n`);
    },
    progress(label, total) {
      if (quiet) return { tick() {}, update() {}, setTotal() {}, stop() {} };
      if (tty) {
        const bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_buffer}{detail}`, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), 0, { detail: '', eta_buffer: '' });
        let value = 0;
        return {
          tick(n = 1, detail) {
            value += n;
            bar.update(value, detail === undefined ? {} : { detail: ` ${detail}` });
          },
          update(v, detail) {
            value = v;
            bar.update(v, detail === undefined ? {} : { detail: ` ${detail}` });
          },
          setTotal(t) {
            bar.setTotal(Math.max(t, 1));
          },
          stop() {
            bar.stop();
          },
        };
      }
      // Not a terminal (CI, logs): a line at every 10 % step.
      let value = 0;
      let shown = -1;
      let tot = Math.max(total, 1);
      const show = (detail?: string) => {
        const step = Math.floor((value / tot) * 10);
        if (step !== shown) {
          shown = step;
          process.stderr.write(`${label}: ${value}/${tot}${detail ? ` ${detail}` : ''}\n`);
        }
      };
      return {
        tick(n = 1, detail) {
          value += n;
          show(detail);
        },
        update(v, detail) {
          value = v;
          show(detail);
        },
        setTotal(t) {
          tot = Math.max(t, 1);
        },
        stop() {},
      };
    },
    result(value, human) {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else process.stdout.write(`${human ? human(value) : JSON.stringify(value, null, 2)}\n`);
    },
  };
}

/**
 * Thrown by a command after it printed its result, to end with a non-zero exit code without an
 * error message (a refused deployment, a damaged version found): the result says why.
 */
export class ExitStatus extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** Print an error the way the CLI does (JSON on stdout with --json) and return the exit code. */
export function reportError(err: unknown, json: boolean): number {
  const payload =
    err instanceof PipelineError ? { status: 'error', error: err.toJSON() } : { status: 'error', error: { message: describeError(err) } };
  if (json) process.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
  process.stderr.write(`error: ${describeError(err)}\n`);
  if (!(err instanceof PipelineError) && process.env.RETRAIN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return err instanceof PipelineError && err.code === 'CONFIG_INVALID' ? 2 : 1;
}
