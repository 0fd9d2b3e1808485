import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install -y chromium`, as .ci/run does), else the Google Chrome of
 * GitHub's runner image. Playwright's own browser downloads are never used.
 */
const BROWSERS = ['/usr/bin/chromium', '/usr/bin/google-chrome'];

export interface RealBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a throwaway profile, so no cookie outlives the test file. */
export async function launchChromium(): Promise<RealBrowser> {
  const executablePath = BROWSERS.find((path) => existsSync(path));
  if (executablePath === undefined) {
    throw new Error(
      `This test drives a real Chromium, and there is none at ${BROWSERS.join(' or ')}. ` +
        'Install it with `apt-get install -y chromium` (Debian; .ci/run does this). Do not run `npx playwright install`.',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'flowgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1100, height: 800 },
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
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
