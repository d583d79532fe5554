/**
 * A Playwright project as a user of `cors-lens/playwright` writes one, run by
 * tests/e2e/playwright-fixture.test.ts (which reads its output and exit code). Chromium is the
 * machine's own (Playwright cannot download browsers here).
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium.ts';

export default defineConfig({
  testDir: '.',
  outputDir: '../../test-results/playwright',
  retries: 0,
  workers: 1,
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: findChromium(), args: [...CHROMIUM_ARGS] },
  },
});
