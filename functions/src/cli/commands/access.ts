/**
 * `retrain access grant|revoke <email-or-uid>` and `retrain access list`: who may open the deployed
 * dashboard — the Firebase Auth users with the `admin` custom claim, set through the Admin SDK
 * (`setCustomUserClaims`) in the project of `pipeline.projectId` (or GCLOUD_PROJECT) with your
 * Google credentials, or in the Auth emulator when FIREBASE_AUTH_EMULATOR_HOST is set.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { createOutput } from '../output.ts';

interface AccessFlags {
  config?: string;
  json?: boolean;
}

const common = (c: Command) => c.option('--config <file>', 'config file (default: config/retraining.yaml)').option('--json', 'machine-readable output');

/** Register the command group. */
export function registerAccess(program: Command): void {
  const access = program.command('access').description('Grant, revoke or list the admin claim that opens the deployed dashboard');
  for (const [name, grant] of [['grant', true], ['revoke', false]] as const) {
    common(access.command(name).description(`${grant ? 'Give' : 'Take away'} the admin claim of a Firebase Auth user`).argument('<user>', 'email address or uid'))
      .addHelpText('after', `\nExamples:\n  retrain access ${name} ops@example.com\n  FIREBASE_AUTH_EMULATOR_HOST=127.0.0.1:9099 retrain access ${name} ops@example.com`)
      .action(async (user: string, flags: AccessFlags) => {
        const { config } = loadConfig(flags.config);
        const { setAdminClaim } = await import('../../dashboard/firebase-access.ts');
        const change = await setAdminClaim(config, user, grant);
        createOutput({ json: flags.json }).result(change, () =>
          `${grant ? 'granted' : 'revoked'}: ${change.email ?? change.uid} (uid ${change.uid}) now has claims ${JSON.stringify(change.claims)}.\nIt applies to the user's next ID token (sign in again, or getIdToken(true)).`,
        );
      });
  }
  common(access.command('list').description('Users holding the admin claim'))
    .addHelpText('after', '\nExamples:\n  retrain access list --json')
    .action(async (flags: AccessFlags) => {
      const { config } = loadConfig(flags.config);
      const { listAdmins } = await import('../../dashboard/firebase-access.ts');
      const admins = await listAdmins(config);
      createOutput({ json: flags.json }).result(admins, () => (admins.length ? admins.map((a) => `${a.email ?? '-'}  ${a.uid}`).join('\n') : 'No user has the admin claim.'));
    });
}
