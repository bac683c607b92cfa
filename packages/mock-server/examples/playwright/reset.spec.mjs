// The Playwright fixture: `namespace` is a fresh namespace on a server shared by the worker.
import { test, expect } from '@magento-reset-mock/server/playwright';

test('a shopper resets their password', async ({ namespace }) => {
  const email = 'roni_cost@example.com';
  await namespace.graphql('mutation($email: String!) { requestPasswordResetEmail(email: $email) }', { email });
  const { token } = await namespace.waitForResetLink(email);
  const reset = await namespace.graphql(
    'mutation($email: String!, $token: String!) { resetPassword(email: $email, resetPasswordToken: $token, newPassword: "N3w-Passw0rd!") }',
    { email, token },
  );
  expect(reset).toEqual({ data: { resetPassword: true } });
});

test('the next test starts from the fixtures, with an empty inbox', async ({ namespace, mockServer }) => {
  expect((await namespace.messages()).total).toBe(0);
  const signIn = await namespace.graphql(
    'mutation { generateCustomerToken(email: "roni_cost@example.com", password: "roni_cost3@example.com") { token } }',
  );
  expect(signIn.data.generateCustomerToken.token).toEqual(expect.any(String));
  expect(namespace.url).toBe(mockServer.url);
});
