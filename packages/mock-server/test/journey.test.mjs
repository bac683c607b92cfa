// A shopper's whole reset journey through the package's helpers, against the real binary
// (MOCK_SERVER_BIN, or the repository's target/{debug,release}/mock-server).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '@magento-reset-mock/server';

let server;
before(async () => {
  server = await startMockServer();
});
after(() => server?.stop());

test('request a reset, follow the emailed link, reset and sign in with the new password', async () => {
  const mock = server.namespace(); // a fresh namespace: this test sees only its own world
  const email = 'roni_cost@example.com';

  const requested = await mock.graphql('mutation($email: String!) { requestPasswordResetEmail(email: $email) }', { email });
  assert.deepEqual(requested, { data: { requestPasswordResetEmail: true } });

  const { link, token } = await mock.waitForResetLink(email);
  assert.match(link, /customer\/account\/createPassword\/\?email=roni_cost%40example\.com&id=1&token=/);
  assert.equal(new URL(link).searchParams.get('token'), token);

  const reset = await mock.graphql(
    'mutation($email: String!, $token: String!, $password: String!) { resetPassword(email: $email, resetPasswordToken: $token, newPassword: $password) }',
    { email, token, password: 'N3w-Passw0rd!' },
  );
  assert.deepEqual(reset, { data: { resetPassword: true } });

  const signIn = await mock.graphql(
    'mutation($email: String!, $password: String!) { generateCustomerToken(email: $email, password: $password) { token } }',
    { email, password: 'N3w-Passw0rd!' },
  );
  assert.equal(typeof signIn.data.generateCustomerToken.token, 'string');

  const operations = (await mock.journal()).map((entry) => entry.operation);
  assert.deepEqual(operations, ['requestPasswordResetEmail', 'resetPassword', 'generateCustomerToken']);
});
