/** The simulator's public API: options, the streaming generators, and the sink runner. */
export { SimulationOptionsSchema, DriftSchema, parseSimulationOptions, plannedSessions, type SimulationOptions, type SimulationOptionsInput } from './options.ts';
export { simulateLogs, simulateSessions, newSimulationStats, type SimulatedSession, type SimulationStats } from './generate.ts';
export { simulateToSink, DEFAULT_BATCH_SIZE, type SimulationSummary, type RunOptions } from './run.ts';
export { MALFORMED_KINDS, type MalformedKind } from './malformed.ts';
export { Rng } from './prng.ts';
export { serve, defaultSessionServer, SERVING_SHARES, type SessionServer } from './serving.ts';
