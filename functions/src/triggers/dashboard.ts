/**
 * The dashboard function: the page, `/api/dashboard` and the reports over the deployment's
 * Firestore and Cloud Storage (stages/report, dashboard/handler.ts). Public to invoke — a browser
 * cannot send IAM credentials — and closed in the app instead: data and reports answer only to a
 * Firebase Auth user whose ID token carries the `admin` custom claim (401 without a valid token,
 * 403 without the claim); the page itself holds no data.
 */
import { onRequest } from 'firebase-functions/v2/https';
import { firebaseAdminAccess } from '../dashboard/firebase-access.ts';
import { dashboardHandler, type RequestHandler } from '../dashboard/handler.ts';
import { runtimeConfig } from '../runtime/config.ts';
import { getCloudPorts } from '../runtime/cloud-ports.ts';
import { functionsLogger } from '../shared/logger.ts';
import { LIVE_FROM_ROLLUPS } from '../stages/monitor/live-metrics.ts';

const { config } = runtimeConfig();

/** Open pages refresh every minute; an instance serves them one computation per 30 s. */
const DATA_CACHE_MS = 30_000;

let handler: RequestHandler | null = null;

/** Serves the retraining dashboard to admins. */
export const dashboard = onRequest(
  { region: config.pipeline.region, memory: '512MiB', timeoutSeconds: 60, invoker: 'public' },
  async (req, res) => {
    handler ??= dashboardHandler({ config, ports: getCloudPorts, access: firebaseAdminAccess(config), cacheMs: DATA_CACHE_MS, live: LIVE_FROM_ROLLUPS, log: functionsLogger });
    await handler(req, res);
  },
);
