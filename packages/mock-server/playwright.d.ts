// Types of playwright.js.
import type { TestType, PlaywrightTestArgs, PlaywrightTestOptions, PlaywrightWorkerArgs, PlaywrightWorkerOptions } from '@playwright/test';
import type { MockClient, MockServer, StartOptions } from './index.js';

export const test: TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & { namespace: MockClient },
  PlaywrightWorkerArgs & PlaywrightWorkerOptions & { mockServer: MockServer; mockServerOptions: StartOptions }
>;
export { expect } from '@playwright/test';
