/**
 * The rollup function: hourly (`monitoring.rollups.schedule`, `5 * * * *`, ahead of the canary
 * watcher), folds the interaction logs written since the watermark into the hour and day buckets
 * of `live_rollups` (see stages/rollup/rollup-pass.ts), up to the scheduled time. The deployed
 * readers (checker, canaryWatcher, dashboard) read those buckets without refreshing them. A retry
 * or a redelivery of the same slot rebuilds the same hours into the same documents. Only transient
 * errors are thrown, so that the scheduler retries; a damaged rollup document or a config that
 * disagrees with the buckets is logged (`retrain rollup --rebuild` repairs both).
 */
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { runtimeConfig } from '../runtime/config.ts';
import { getCloudPorts } from '../runtime/cloud-ports.ts';
import { isTransient } from '../shared/errors.ts';
import { functionsLogger as log } from '../shared/logger.ts';
import { rollupPass } from '../stages/rollup/rollup-pass.ts';

const { config } = runtimeConfig();

/** Keeps the live rollups current, hourly. */
export const rollup = onSchedule(
  {
    schedule: config.monitoring.rollups.schedule,
    timeZone: config.pipeline.timeZone,
    region: config.pipeline.region,
    // The pass loads the class models and reference of every version it keeps drift sections for
    // (stable, canary, and one just replaced: 2-3 bundles parsed from JSON at once) and predicts
    // each session through them in batches of 4,096 rows, beside a page of documents and the
    // hour's session ids; 512 MiB leaves no headroom for that on top of the runtime and clients.
    memory: '1GiB',
    // A first pass (or one after an outage) folds up to `initialDays` of hours; later ones a few.
    timeoutSeconds: 540,
    retryCount: 3,
    minBackoffSeconds: 60,
  },
  async (event) => {
    try {
      const ports = await getCloudPorts();
      await rollupPass(ports, config, { to: new Date(event.scheduleTime), log });
    } catch (err) {
      if (isTransient(err)) throw err;
      log.stageFailed('monitor', err, { pass: 'rollup', scheduleTime: event.scheduleTime });
    }
  },
);
