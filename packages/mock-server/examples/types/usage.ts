// Compiled (never run) by test/types.test.mjs: the hand-written .d.ts files describe the API.
import { startMockServer, connectMockServer, findBinary, MockServerError, BinaryNotFound } from '@magento-reset-mock/server';
import type { ResetLink, JournalEntry, Rule } from '@magento-reset-mock/server';
import { test, expect } from '@magento-reset-mock/server/playwright';

export async function journey(): Promise<void> {
  const server = await startMockServer({ args: ['--magento-version', '2.4.7'], adminToken: 't' });
  const mock = server.namespace();
  const answer = await mock.graphql<{ requestPasswordResetEmail: boolean }>(
    'mutation { requestPasswordResetEmail(email: "roni_cost@example.com") }',
    undefined,
    { scenario: 'mail-failure' },
  );
  const sent: boolean | undefined = answer.data?.requestPasswordResetEmail;
  const link: ResetLink = await mock.waitForResetLink('roni_cost@example.com', { timeout: 1000 });
  const token: string = link.token;
  const rule = await mock.scenario({ state: 'locked', times: 1 });
  await rule.remove();
  const rules: Rule[] = await mock.scenarios();
  await mock.clock.advance({ hours: 2 });
  const offset: number = (await mock.clock.get()).offset_seconds;
  const entries: JournalEntry[] = await mock.journal({ operation: 'resetPassword' });
  const smtpPort: number | undefined = server.smtp?.port;
  await server.updateSettings({ throttle: 'web-forms' });
  await server.stop();
  const other = connectMockServer('http://127.0.0.1:4000').namespace('mine');
  const binary: string = findBinary();
  void [sent, token, rules, offset, entries, smtpPort, other, binary, MockServerError, BinaryNotFound];
}

test('typed fixtures', async ({ namespace, mockServer }) => {
  expect(namespace.namespaceName).not.toBe('');
  expect((await mockServer.settings()).magento_mode).toBe('default');
});
