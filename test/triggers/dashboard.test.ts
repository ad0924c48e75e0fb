/**
 * The dashboard function as deployed, with firebase-admin verifying real (emulator-issued) ID
 * tokens: the Firebase Auth emulator that `npm test` starts (firebase-tools) signs users up and in,
 * `retrain access grant|revoke` sets the claim through the Admin SDK, and the function answers
 * 401 / 403 / 200. The emulator's tokens are unsigned, which firebase-admin accepts only against
 * an emulator: the signature check itself is firebase-admin's and is not exercised here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getAuth } from 'firebase-admin/auth';
import { adminApp } from '../../functions/src/adapters/cloud/index.ts';
import { startDashboardServer, type DashboardServer } from '../../functions/src/dashboard/server.ts';
import { runtimeConfig } from '../../functions/src/runtime/config.ts';
import { setPortsFactory } from '../../functions/src/runtime/cloud-ports.ts';
import { DashboardDataSchema } from '../../functions/src/stages/report/dashboard-schema.ts';
import { dashboard } from '../../functions/src/triggers/dashboard.ts';
import { openTestEnv, type TestEnv } from '../stages/pipeline/fixtures.ts';

const EMULATOR = process.env.FIREBASE_AUTH_EMULATOR_HOST;
const SKIP = EMULATOR ? false : 'FIREBASE_AUTH_EMULATOR_HOST not set: run `npm test` (it starts the Firebase Auth emulator of firebase-tools)';
const BIN = path.resolve(import.meta.dirname, '../../bin/retrain.js');
const PASSWORD = 'correct horse battery';

/** Sign a user up or in through the emulator's Identity Toolkit API; returns a fresh ID token. */
async function idToken(email: string, action: 'signUp' | 'signInWithPassword'): Promise<string> {
  const res = await fetch(`http://${EMULATOR}/identitytoolkit.googleapis.com/v1/accounts:${action}?key=emulator-api-key`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, returnSecureToken: true }),
  });
  const body = (await res.json()) as { idToken?: string; error?: unknown };
  assert.ok(body.idToken, JSON.stringify(body));
  return body.idToken;
}

/** `retrain access …` in a child process (the emulator variable is inherited). */
async function access(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'access', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('dashboard function', () => {
  it('is an HTTPS function anyone may invoke (the app checks the user), in the configured region', () => {
    const endpoint = (dashboard as unknown as { __endpoint: { httpsTrigger: { invoker?: string[] }; region: string[] } }).__endpoint;
    assert.deepEqual(endpoint.httpsTrigger.invoker, ['public']);
    assert.deepEqual(endpoint.region, [runtimeConfig().config.pipeline.region]);
  });

  describe('with the Firebase Auth emulator', { skip: SKIP }, () => {
    let env: TestEnv;
    let server: DashboardServer;
    const stamp = Date.now().toString(36);
    const adminEmail = `admin-${stamp}@example.com`;
    const userEmail = `user-${stamp}@example.com`;

    before(async () => {
      env = await openTestEnv('2026-03-02T12:00:00Z');
      await setPortsFactory(async () => env.ports);
      // The deployed function itself as the request listener, as the Functions runtime calls it.
      server = await startDashboardServer((req, res) => dashboard(req as never, res as never) as Promise<void>, { port: 0 });
      await idToken(adminEmail, 'signUp');
      await idToken(userEmail, 'signUp');
    });
    after(async () => {
      await server.close();
      await setPortsFactory(null);
      await env.close();
    });

    const api = (token?: string) => fetch(new URL('api/dashboard', server.url), { headers: token ? { Authorization: `Bearer ${token}` } : {} });

    it('401 without a token or with a forged one; the page itself is served to anyone', async () => {
      assert.equal((await api()).status, 401);
      assert.equal((await api('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')).status, 401);
      assert.equal((await fetch(server.url)).status, 200);
    });

    it('403 for a signed-in user without the claim; 200 once `retrain access grant` gave it; 403 again after revoke', async () => {
      const issuedBefore = await idToken(adminEmail, 'signInWithPassword');
      assert.equal((await api(issuedBefore)).status, 403);

      const granted = await access(['grant', adminEmail, '--json']);
      assert.equal(granted.code, 0, granted.stderr);
      assert.deepEqual(JSON.parse(granted.stdout).claims, { admin: true });
      const listed = await access(['list', '--json']);
      assert.ok((JSON.parse(listed.stdout) as Array<{ email: string }>).some((a) => a.email === adminEmail), listed.stdout);

      // A token issued before the grant still lacks the claim; a fresh one carries it.
      assert.equal((await api(issuedBefore)).status, 403);
      const res = await api(await idToken(adminEmail, 'signInWithPassword'));
      assert.equal(res.status, 200);
      DashboardDataSchema.parse(await res.json());
      assert.equal((await api(await idToken(userEmail, 'signInWithPassword'))).status, 403);

      const revoked = await access(['revoke', adminEmail, '--json']);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.deepEqual(JSON.parse(revoked.stdout).claims, {});
      assert.equal((await api(await idToken(adminEmail, 'signInWithPassword'))).status, 403);
    });

    it('a disabled user is refused even with the claim', async () => {
      const auth = getAuth(adminApp(runtimeConfig().config));
      const user = await auth.getUserByEmail(userEmail);
      await auth.setCustomUserClaims(user.uid, { admin: true });
      const token = await idToken(userEmail, 'signInWithPassword');
      assert.equal((await api(token)).status, 200);
      await auth.updateUser(user.uid, { disabled: true });
      assert.equal((await api(token)).status, 401);
    });
  });
});
