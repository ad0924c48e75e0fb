/**
 * The simulator's knobs: one zod schema with defaults, shared by the library, the CLI and the
 * tests. Dates are calendar days in UTC (`YYYY-MM-DD`).
 */
import { z } from 'zod';

const day = z.iso.date();

/** From a date on, the world changes: the context mix and/or the users' preferences. */
export const DriftSchema = z.strictObject({
  from: day.describe('First day (UTC) of the drifted regime.'),
  contextShift: z.number().min(0).max(1).default(0).describe('0 = same context mix; 1 = every session uses a new, mostly mobile device, later in the day, with darker OS schemes.'),
  preferenceShift: z.number().min(0).max(1).default(0).describe('0 = same preference function; 1 = users lean strongly to dark, compact, smaller fonts, and touch stops implying spacious.'),
});

/** Every option of a simulation run. */
export const SimulationOptionsSchema = z.strictObject({
  users: z.number().int().min(1).max(10_000_000).default(200).describe('Users in the population.'),
  sessionsPerDay: z.number().positive().max(1000).default(5).describe('Mean sessions per user per day; each day has round(users × sessionsPerDay) sessions.'),
  days: z.number().int().min(1).max(3650).default(14).describe('Days simulated.'),
  startDate: day.default('2026-01-01').describe('First simulated day (UTC).'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(42).describe('Same seed, same options → identical logs.'),
  drift: DriftSchema.optional(),
  shortSessionRate: z.number().min(0).max(1).default(0.05).describe('Share of sessions shorter than 30 s (bounced).'),
  badLogRate: z.number().min(0).max(1).default(0).describe('Share of documents deliberately malformed, to exercise the collection stage\'s skip counters.'),
  labelNoise: z.number().min(0).max(1).default(0.05).describe('Per class, the share of sessions where the user acts on a random preference instead of the hidden one.'),
  reactionRate: z.number().min(0).max(1).default(0.85).describe('Probability that a user visibly reacts (toggle, explicit choice, events) when served something they do not prefer.'),
});

/** Validated options, defaults filled in. */
export type SimulationOptions = z.output<typeof SimulationOptionsSchema>;
/** Options as given by a caller (everything optional). */
export type SimulationOptionsInput = z.input<typeof SimulationOptionsSchema>;

/** Validate options and fill defaults. */
export function parseSimulationOptions(input: SimulationOptionsInput = {}): SimulationOptions {
  return SimulationOptionsSchema.parse(input);
}

/** Sessions generated per day. */
export function sessionsPerDay(o: SimulationOptions): number {
  return Math.max(1, Math.round(o.users * o.sessionsPerDay));
}

/** Total sessions a run generates (known up front: the progress bar's total). */
export function plannedSessions(o: SimulationOptions): number {
  return sessionsPerDay(o) * o.days;
}

/** Epoch ms of midnight UTC of a `YYYY-MM-DD` day. */
export function dayStartMs(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}
