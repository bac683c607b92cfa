// A Playwright Test fixture: one mock-server per worker, a fresh namespace per test.
//   import { test, expect } from '@magento-reset-mock/server/playwright';
// Needs @playwright/test (an optional peer dependency); configure with test.use({ mockServerOptions }).
import { startMockServer } from './index.js';

let playwright;
try {
  playwright = await import('@playwright/test');
} catch (error) {
  throw new Error(
    '@magento-reset-mock/server/playwright needs @playwright/test: npm install --save-dev @playwright/test',
    { cause: error },
  );
}

export const test = playwright.test.extend({
  /** Options of startMockServer, per worker. */
  mockServerOptions: [{}, { scope: 'worker', option: true }],
  /** The server, started once per worker and stopped after its last test. */
  mockServer: [
    async ({ mockServerOptions }, use) => {
      const server = await startMockServer(mockServerOptions);
      await use(server);
      await server.stop();
    },
    { scope: 'worker' },
  ],
  /** The helpers on a namespace of this test's own, forgotten after it. */
  namespace: async ({ mockServer }, use) => {
    const client = mockServer.namespace();
    await use(client);
    await client.forget();
  },
});

export const expect = playwright.expect;
