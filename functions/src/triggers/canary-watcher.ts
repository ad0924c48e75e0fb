/**
 * The canary watcher function: hourly, judges the canary (or a version promoted less than
 * `deployment.monitoringHours` ago) on live metrics as of the scheduled time — promote, roll back
 * or wait — and records every change with the live numbers (see stages/deploy/watch.ts). A retry
 * of the same slot judges the same instant; a verdict is written once (its id derives from the
 * deployment judged). Only transient errors are thrown, so that the scheduler retries.
 */
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { runtimeConfig } from '../runtime/config.ts';
import { getCloudPorts } from '../runtime/cloud-ports.ts';
import { isTransient } from '../shared/errors.ts';
import { functionsLogger as log } from '../shared/logger.ts';
import { watchDeployments } from '../stages/deploy/watch.ts';
import { LIVE_FROM_ROLLUPS } from '../stages/monitor/live-metrics.ts';

const { config } = runtimeConfig();

/** Promotes or rolls back canaries and fresh deployments on live metrics, hourly. */
export const canaryWatcher = onSchedule(
  {
    schedule: 'every 60 minutes',
    timeZone: config.pipeline.timeZone,
    region: config.pipeline.region,
    memory: '512MiB',
    timeoutSeconds: 300,
    retryCount: 2,
    minBackoffSeconds: 60,
  },
  async (event) => {
    try {
      const ports = await getCloudPorts();
      await watchDeployments(ports, config, { now: new Date(event.scheduleTime), actor: { kind: 'watcher', id: 'canaryWatcher' }, live: LIVE_FROM_ROLLUPS, log });
    } catch (err) {
      if (isTransient(err)) throw err;
      log.stageFailed('monitor', err, { scheduleTime: event.scheduleTime });
    }
  },
);
