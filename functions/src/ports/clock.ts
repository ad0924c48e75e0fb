/** Time as a port, so that stages and tests agree on "now" (triggers, version names, windows). */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock fixed at (or advanced from) a given instant, for tests and replayed runs. */
export function fixedClock(at: Date | string): Clock & { advance(ms: number): void; set(at: Date | string): void } {
  let t = new Date(at).getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    set(next: Date | string) {
      t = new Date(next).getTime();
    },
  };
}

/**
 * A clock that starts at `at` and runs at the speed of the real one: what `--at` gives a command,
 * so every timestamp the pipeline writes (run ids, version names, records, windows) is the
 * replayed instant while durations stay real.
 */
export function clockFrom(at: Date | string): Clock & { set(at: Date | string): void } {
  let offset = new Date(at).getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    set(next: Date | string) {
      offset = new Date(next).getTime() - Date.now();
    },
  };
}
