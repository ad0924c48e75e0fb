/**
 * The simulation loop: day by day, draw who starts a session and when, then for each session in
 * time order its context, what was served, the hidden preferences and the user's reaction, and
 * yield it as a stored document. Streaming (a generator), so a million logs never sit in memory;
 * deterministic (one seeded stream, ids from the seed, the day and the order in the day).
 */
import { LOG_SCHEMA_VERSION, type InteractionLogInput } from '../data/log-schema.ts';
import type { RawLog } from '../ports/log-store.ts';
import { ODD_SESSION_SHARES, noisyPreferences, react, type SessionKind } from './behavior.ts';
import { corrupt, type MalformedKind } from './malformed.ts';
import { dayStartMs, parseSimulationOptions, sessionsPerDay, type SimulationOptions, type SimulationOptionsInput } from './options.ts';
import { createUser, drawContext, drawLocalMinute, type SimUser } from './population.ts';
import { drawPreferences, type Preferences } from './preferences.ts';
import { Rng } from './prng.ts';
import { defaultSessionServer, serve, type SessionServer } from './serving.ts';

const DAY_MS = 86_400_000;
const MIN_NORMAL_SESSION_MS = 30_000;

/** One generated session with what only the simulator knows. */
export interface SimulatedSession {
  raw: RawLog;
  /** The hidden preferences (before label noise): what a perfect model would predict. */
  truth: Preferences;
  kind: SessionKind;
  /** Set when the document was deliberately damaged. */
  malformed?: MalformedKind;
  /** True when the session falls in the drifted regime. */
  drifted: boolean;
}

/** Counters of a run, filled while the generator is consumed. */
export interface SimulationStats {
  logs: number;
  shortSessions: number;
  idleSessions: number;
  botSessions: number;
  badLogs: number;
  driftedSessions: number;
  /** Epoch ms of the earliest and latest session (NaN before the first). */
  firstTimestampMs: number;
  lastTimestampMs: number;
  badLogsByKind: Partial<Record<MalformedKind, number>>;
}

/** Fresh counters. */
export function newSimulationStats(): SimulationStats {
  return { logs: 0, shortSessions: 0, idleSessions: 0, botSessions: 0, badLogs: 0, driftedSessions: 0, firstTimestampMs: NaN, lastTimestampMs: NaN, badLogsByKind: {} };
}

function pickUser(cumulative: Float64Array, rng: Rng): number {
  const r = rng.next() * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function drawKind(o: SimulationOptions, rng: Rng): SessionKind {
  const r = rng.next();
  if (r < o.shortSessionRate) return 'short';
  if (r < o.shortSessionRate + ODD_SESSION_SHARES.idle) return 'idle';
  if (r < o.shortSessionRate + ODD_SESSION_SHARES.idle + ODD_SESSION_SHARES.bot) return 'bot';
  return 'normal';
}

function duration(kind: SessionKind, rng: Rng): number {
  if (kind === 'short') return 2000 + rng.int(MIN_NORMAL_SESSION_MS - 2000);
  const ms = 240_000 * Math.exp(rng.normal() * 0.8);
  return Math.round(Math.min(Math.max(ms, MIN_NORMAL_SESSION_MS), 4 * 3600_000));
}

/**
 * Generate sessions with their hidden truth (tests and analyses); `stats` is updated as they are
 * consumed. `server` answers what each session is served (default: the default stylesheet, as a
 * store with no deployed version would).
 */
export function* simulateSessions(input: SimulationOptionsInput = {}, stats: SimulationStats = newSimulationStats(), server: SessionServer = defaultSessionServer): Generator<SimulatedSession> {
  const o = parseSimulationOptions(input);
  const root = new Rng(o.seed);
  const popRng = root.fork(1);
  const rng = root.fork(2);
  const badRng = root.fork(3);
  const users: SimUser[] = [];
  const cumulative = new Float64Array(o.users);
  let total = 0;
  for (let i = 0; i < o.users; i++) {
    const u = createUser(i, o.seed, popRng);
    users.push(u);
    total += u.activity;
    cumulative[i] = total;
  }
  const start = dayStartMs(o.startDate);
  const driftFrom = o.drift ? dayStartMs(o.drift.from) : Infinity;
  const n = sessionsPerDay(o);
  const who = new Int32Array(n);
  const when = new Float64Array(n);
  const order = new Uint32Array(n);

  for (let day = 0; day < o.days; day++) {
    const dayStart = start + day * DAY_MS;
    const drifted = dayStart >= driftFrom;
    const contextShift = drifted ? o.drift!.contextShift : 0;
    const preferenceShift = drifted ? o.drift!.preferenceShift : 0;
    const stamp = new Date(dayStart).toISOString().slice(0, 10).replaceAll('-', '');
    for (let i = 0; i < n; i++) {
      const u = users[pickUser(cumulative, rng)];
      who[i] = u.index;
      const utcMinute = (((drawLocalMinute(u, rng, contextShift) - u.tzMin) % 1440) + 1440) % 1440;
      when[i] = dayStart + utcMinute * 60_000 + rng.int(60_000);
      order[i] = i;
    }
    order.sort((a, b) => when[a] - when[b] || a - b);

    for (let k = 0; k < n; k++) {
      const i = order[k];
      const user = users[who[i]];
      const ts = when[i];
      const localMs = ts + user.tzMin * 60_000;
      const hour = Math.floor(((((localMs % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000) * 100) / 100;
      const weekday = (((Math.floor(localMs / DAY_MS) + 4) % 7) + 7) % 7;
      const ctx = drawContext(user, hour, weekday, contextShift > 0 && rng.chance(contextShift), contextShift, rng);
      user.sessions++;
      const kind = drawKind(o, rng);
      const served = serve(server, user.id, ctx, rng);
      const truth = drawPreferences(user, ctx, preferenceShift, rng);
      const reaction = react(ctx, served, noisyPreferences(truth, o.labelNoise, rng), kind, o.reactionRate, rng);
      const id = `sim${o.seed}-${stamp}-${String(k).padStart(6, '0')}`;
      const doc: InteractionLogInput = {
        schema_version: LOG_SCHEMA_VERSION,
        session_id: id,
        user_id: user.id,
        timestamp: new Date(ts).toISOString(),
        session_duration: duration(kind, rng),
        context: ctx,
        served,
        behavior: reaction.behavior,
      };
      if (reaction.explicit) doc.explicit = reaction.explicit;

      const session: SimulatedSession = { raw: { id, data: doc }, truth, kind, drifted };
      if (o.badLogRate > 0 && badRng.chance(o.badLogRate)) {
        const bad = corrupt(doc as unknown as Record<string, unknown>, badRng);
        session.raw.data = bad.data;
        session.malformed = bad.kind;
        stats.badLogs++;
        stats.badLogsByKind[bad.kind] = (stats.badLogsByKind[bad.kind] ?? 0) + 1;
      }
      stats.logs++;
      if (kind === 'short') stats.shortSessions++;
      else if (kind === 'idle') stats.idleSessions++;
      else if (kind === 'bot') stats.botSessions++;
      if (drifted) stats.driftedSessions++;
      if (!(ts >= stats.firstTimestampMs)) stats.firstTimestampMs = ts;
      if (!(ts <= stats.lastTimestampMs)) stats.lastTimestampMs = ts;
      yield session;
    }
  }
}

/** Generate stored documents only, streaming (benchmarks generate a million this way). */
export function* simulateLogs(input: SimulationOptionsInput = {}, stats?: SimulationStats, server?: SessionServer): Generator<RawLog> {
  for (const s of simulateSessions(input, stats, server)) yield s.raw;
}
