/**
 * The checker function: Cloud Scheduler runs it weekly (`pipeline.schedule`, `0 2 * * 1` in
 * `pipeline.timeZone`, as the original cron). It evaluates the triggers for the scheduled slot,
 * records the decision, and publishes a retrain request on `retrain-requests` when one fires.
 * Scheduler retries of the same slot read the stored decision and never start a second run; only
 * transient errors are thrown (so the scheduler retries), permanent ones are logged.
 */
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { runtimeConfig } from '../runtime/config.ts';
import { getCloudPorts } from '../runtime/cloud-ports.ts';
import { isTransient } from '../shared/errors.ts';
import { functionsLogger as log } from '../shared/logger.ts';
import { decide } from '../stages/decide/decide.ts';
import { LIVE_FROM_ROLLUPS } from '../stages/monitor/live-metrics.ts';
import { requestRetrain } from '../stages/pipeline/request.ts';

const { config } = runtimeConfig();

/** Decides weekly whether to retrain, and starts the run when it does. */
export const checker = onSchedule(
  {
    schedule: config.pipeline.schedule,
    timeZone: config.pipeline.timeZone,
    region: config.pipeline.region,
    memory: '256MiB',
    timeoutSeconds: 120,
    retryCount: 3,
    minBackoffSeconds: 60,
  },
  async (event) => {
    try {
      const ports = await getCloudPorts();
      const { decision } = await decide(ports, config, { mode: 'scheduled', at: new Date(event.scheduleTime), live: LIVE_FROM_ROLLUPS, log });
      await requestRetrain(ports, config, decision, { log });
    } catch (err) {
      if (isTransient(err)) throw err;
      log.stageFailed('decide', err, { scheduleTime: event.scheduleTime });
    }
  },
);
