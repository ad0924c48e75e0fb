/**
 * A real headless Chromium for page tests: Debian's `chromium` package (installed by `npm test`
 * when missing and the machine allows it) driven by playwright-core — no browser download.
 * The flags keep Chromium off the network (this machine's network is closed; a page under test
 * must work offline anyway).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian puts the browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or null when they can. */
export function browserSkipReason(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

/**
 * Launch headless Chromium with a fresh profile (playwright makes a temporary one per launch and
 * refuses a `--user-data-dir` argument) and no background networking.
 */
export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Folder for screenshots and other test output (`test-output/`, ignored by git). */
export function testOutputDir(...parts: string[]): string {
  return path.resolve(import.meta.dirname, '..', '..', 'test-output', ...parts);
}
