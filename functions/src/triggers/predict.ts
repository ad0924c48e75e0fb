/**
 * The predict function (HTTPS, v2 `onRequest`): `POST` `{ user_id, context }` → the `served` block
 * the web app logs verbatim; `GET /healthz` → the serving state and the versions in memory. One
 * model server per instance (versions loaded once, sha256-verified; the serving state re-read at
 * most every `serving.stateRefreshSeconds`); the handler is the same as `retrain serve`'s
 * (serving/http-handler.ts). Sized by `npm run bench:serve`: a session's eleven predictions take
 * well under a millisecond, so one instance takes many concurrent requests.
 */
import { onRequest } from 'firebase-functions/v2/https';
import { runtimeConfig } from '../runtime/config.ts';
import { getCloudPorts } from '../runtime/cloud-ports.ts';
import { describeError } from '../shared/errors.ts';
import { functionsLogger } from '../shared/logger.ts';
import { answerWithoutServer, type ServingHandler } from '../serving/http-handler.ts';
import { openModelServer } from '../serving/open-server.ts';

const { config } = runtimeConfig();
let handler: Promise<ServingHandler> | null = null;

/** The instance's handler, built on first use (a failed start is retried on the next request). */
function instanceHandler(): Promise<ServingHandler> {
  handler ??= getCloudPorts()
    .then((ports) => openModelServer(ports, config, { actor: { kind: 'function', id: 'predict' }, log: functionsLogger }).handler)
    .catch((err) => {
      handler = null;
      throw err;
    });
  return handler;
}

/** Answers one session's served block (or the serving health). */
export const predict = onRequest(
  {
    region: config.pipeline.region,
    memory: '512MiB',
    // Concurrent requests on one instance need a whole vCPU (Cloud Run).
    cpu: 1,
    concurrency: 80,
    timeoutSeconds: 30,
    cors: true,
  },
  async (req, res) => {
    let handle: ServingHandler;
    try {
      handle = await instanceHandler();
    } catch (err) {
      functionsLogger.warning('serve', `no model server (${describeError(err)}): answering the default stylesheet`);
      return answerWithoutServer(req, res, describeError(err));
    }
    await handle(req, res);
  },
);
