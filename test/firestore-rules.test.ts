/**
 * `firestore.rules` on the Firestore emulator, with client SDK requests as the web app makes them:
 * a signed-in app may create a schema-valid interaction log and nothing else; strangers, bad
 * documents, changes and every other collection (the live rollups included) are denied.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { assertFails, assertSucceeds, initializeTestEnvironment, type RulesTestEnvironment } from '@firebase/rules-unit-testing';
import { Timestamp, collection, deleteDoc, doc, getDoc, getDocs, serverTimestamp, setDoc, setLogLevel, updateDoc, type Firestore } from 'firebase/firestore';

const RULES = path.resolve(import.meta.dirname, '../firestore.rules');
const host = process.env.FIRESTORE_EMULATOR_HOST;
const skip = host ? false : 'FIRESTORE_EMULATOR_HOST is not set: run `npm test` (starts the Firestore emulator) to test the security rules';

/** A valid session document as the web app writes it (timestamp as a Firestore Timestamp). */
function log(patch: (d: Record<string, any>) => void = () => {}): Record<string, unknown> {
  const d: Record<string, any> = {
    schema_version: 2,
    session_id: 's-1',
    user_id: 'u-1',
    timestamp: Timestamp.fromMillis(Date.parse('2026-11-20T10:00:00Z')),
    session_duration: 120_000,
    context: {
      viewport_width: 1280,
      viewport_height: 800,
      device_pixel_ratio: 2,
      device_class: 'desktop',
      input_modality: 'mouse',
      local_hour: 14.5,
      local_weekday: 3,
      timezone_offset_min: 60,
      locale: 'de-DE',
      text_direction: 'ltr',
      prefers_color_scheme: 'dark',
      prefers_reduced_motion: false,
      prefers_contrast: 'no-preference',
      previous_sessions: 12,
    },
    served: { model_version: null, css_class_density: 'comfortable', css_class_font: 'medium', css_class_theme: 'dark', css_vars: [1, 0.5, -2, 3.25, 0, 1e-9, 12, 7] },
    behavior: {
      zoom_in_events: 1,
      zoom_out_events: 0,
      font_increase_events: 2,
      font_decrease_events: 0,
      theme_toggles: 0,
      density_toggles: 1,
      scroll_depth: 0.75,
      scroll_speed_px_s: 420.5,
      misclicks: 3,
      rage_clicks: 0,
      mean_dwell_ms: 5200,
      back_navigations: 1,
    },
    explicit: { theme: 'dark' },
  };
  patch(d);
  return d;
}

let env: RulesTestEnvironment;
let n = 0;

describe('firestore.rules', { skip }, () => {
  before(async () => {
    // Every denied write would print a PERMISSION_DENIED warning of the client SDK.
    setLogLevel('silent');
    const [hostname, port] = host!.split(':');
    env = await initializeTestEnvironment({
      // A project of its own: the rules loaded here do not touch the adapter tests' project.
      projectId: 'demo-rules-test',
      firestore: { rules: readFileSync(RULES, 'utf8'), host: hostname, port: Number(port) },
    });
  });
  after(async () => {
    await env?.cleanup();
  });
  beforeEach(async () => {
    await env.clearFirestore();
  });

  const signedIn = (): Firestore => env.authenticatedContext('user-1').firestore() as unknown as Firestore;
  const stranger = (): Firestore => env.unauthenticatedContext().firestore() as unknown as Firestore;
  const create = (db: Firestore, data: Record<string, unknown>) => setDoc(doc(db, 'interaction_logs', `log-${n++}`), data);

  it('allows a signed-in app to create a valid log (optional fields absent or present, server timestamp)', async () => {
    await assertSucceeds(create(signedIn(), log()));
    await assertSucceeds(create(signedIn(), log((d) => delete d.explicit)));
    await assertSucceeds(create(signedIn(), log((d) => (d.timestamp = serverTimestamp()))));
    await assertSucceeds(create(signedIn(), log((d) => Object.assign(d.context, { os_font_scale: 1.2, connection_type: '4g', forced_colors: true }))));
  });

  it('denies a create without a signed-in user', async () => {
    await assertFails(create(stranger(), log()));
  });

  const bad: Array<[string, (d: Record<string, any>) => void]> = [
    ['a missing session_id', (d) => delete d.session_id],
    ['a missing context', (d) => delete d.context],
    ['a missing required context field', (d) => delete d.context.locale],
    ['a missing behavior field', (d) => delete d.behavior.misclicks],
    ['an old schema_version', (d) => (d.schema_version = 1)],
    ['a string session_duration', (d) => (d.session_duration = '120000')],
    ['a fractional session_duration', (d) => (d.session_duration = 1.5)],
    ['an ISO string timestamp (would belong to no window)', (d) => (d.timestamp = '2026-11-20T10:00:00Z')],
    ['an unknown device_class', (d) => (d.context.device_class = 'fridge')],
    ['a viewport out of range', (d) => (d.context.viewport_width = -1)],
    ['css_vars of the wrong length', (d) => (d.served.css_vars = [1, 2])],
    ['a negative count', (d) => (d.behavior.rage_clicks = -3)],
    ['an extra top-level key', (d) => (d.is_admin = true)],
    ['an extra key inside context', (d) => (d.context.payload = 'x')],
    ['an empty user_id', (d) => (d.user_id = '')],
  ];
  for (const [what, patch] of bad) {
    it(`denies a log with ${what}`, async () => {
      await assertFails(create(signedIn(), log(patch)));
    });
  }

  it('denies reading, updating and deleting a log, even its author', async () => {
    await env.withSecurityRulesDisabled(async (ctx) => {
      await setDoc(doc(ctx.firestore() as unknown as Firestore, 'interaction_logs', 'existing'), log());
    });
    const db = signedIn();
    await assertFails(getDoc(doc(db, 'interaction_logs', 'existing')));
    await assertFails(updateDoc(doc(db, 'interaction_logs', 'existing'), { session_duration: 1 }));
    await assertFails(setDoc(doc(db, 'interaction_logs', 'existing'), log()));
    await assertFails(deleteDoc(doc(db, 'interaction_logs', 'existing')));
  });

  it('denies the live rollups to clients, signed in or not: neither reading nor writing a bucket or the watermark', async () => {
    const bucket = { schemaVersion: 1, kind: 'hour', start: '2026-11-20T10:00:00.000Z', read: 3, groups: [], drift: [] };
    await env.withSecurityRulesDisabled(async (ctx) => {
      await setDoc(doc(ctx.firestore() as unknown as Firestore, 'live_rollups', 'hour_2026-11-20T10'), bucket);
    });
    for (const db of [signedIn(), stranger()]) {
      await assertFails(getDoc(doc(db, 'live_rollups', 'hour_2026-11-20T10')));
      await assertFails(getDoc(doc(db, 'live_rollups', 'state_live')));
      await assertFails(getDocs(collection(db, 'live_rollups')));
      await assertFails(setDoc(doc(db, 'live_rollups', 'hour_2026-11-20T11'), bucket));
      await assertFails(updateDoc(doc(db, 'live_rollups', 'hour_2026-11-20T10'), { read: 0 }));
      await assertFails(setDoc(doc(db, 'live_rollups', 'state_live'), { schemaVersion: 1, watermark: '2100-01-01T00:00:00.000Z' }));
      await assertFails(deleteDoc(doc(db, 'live_rollups', 'hour_2026-11-20T10')));
    }
  });

  it('denies every other collection to clients, signed in or not', async () => {
    for (const db of [signedIn(), stranger()]) {
      await assertFails(getDoc(doc(db, 'retraining_runs', 'run_1')));
      await assertFails(setDoc(doc(db, 'retraining_runs', 'run_1'), { status: 'succeeded' }));
      await assertFails(setDoc(doc(db, 'trigger_decisions', 'd'), { x: 1 }));
      await assertFails(getDoc(doc(db, 'deployments', 'x')));
    }
  });
});
