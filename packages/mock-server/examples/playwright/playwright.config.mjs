// Runs the fixture's example specs: npx playwright test -c examples/playwright
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.mjs',
  workers: 1,
  // Results (traces of failures) outside the repository.
  outputDir: join(tmpdir(), 'mock-server-playwright-results'),
});
