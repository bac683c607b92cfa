// The helpers one by one: namespaces, scripted rules, the clock, the journal, waiting, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinaryNotFound, connectMockServer, findBinary, startMockServer } from '@magento-reset-mock/server';

const EMAIL = 'roni_cost@example.com';
const REQUEST_RESET = 'mutation($email: String!) { requestPasswordResetEmail(email: $email) }';
const RESET_PASSWORD =
  'mutation($email: String!, $token: String!, $password: String!) { resetPassword(email: $email, resetPasswordToken: $token, newPassword: $password) }';

let server;
before(async () => {
  server = await startMockServer();
});
after(() => server?.stop());

test('each namespace has its own accounts, inbox and journal', async () => {
  const a = server.namespace();
  const b = server.namespace();
  assert.notEqual(a.namespaceName, b.namespaceName);
  await a.graphql(REQUEST_RESET, { email: EMAIL });
  assert.equal((await a.messages()).total, 1);
  assert.equal((await b.messages()).total, 0);
  assert.deepEqual(await b.journal(), []);
  await a.forget();
  assert.equal((await a.messages()).total, 0, 'a forgotten namespace starts again from the fixtures');
});

test('waitForResetLink waits for a request made after it was called', async () => {
  const mock = server.namespace();
  const waiting = mock.waitForResetLink(EMAIL, { timeout: 10_000 });
  await mock.graphql(REQUEST_RESET, { email: EMAIL });
  const { token, id, message } = await waiting;
  assert.match(token, /^[A-Za-z0-9]{32}$/);
  assert.equal(message.id, id);
  assert.deepEqual(message.to, [{ Name: 'Veronica Costello', Address: EMAIL }]);
});

test('waitForResetLink gives the newest link when several were sent', async () => {
  const mock = server.namespace();
  await mock.graphql(REQUEST_RESET, { email: EMAIL });
  const first = await mock.waitForResetLink(EMAIL);
  await mock.graphql(REQUEST_RESET, { email: EMAIL });
  const second = await mock.waitForResetLink(EMAIL);
  assert.notEqual(second.token, first.token);
  assert.equal((await mock.admin('GET', `/customers/${EMAIL}/reset-token`)).token, second.token);
});

test('a scripted rule answers the next request, then the account answers again', async () => {
  const mock = server.namespace();
  const rule = await mock.scenario({ operation: 'requestPasswordResetEmail', email: EMAIL, state: 'locked', times: 1 });
  const locked = await mock.graphql(REQUEST_RESET, { email: EMAIL });
  assert.equal(locked.errors[0].message, 'The account is locked');
  assert.deepEqual(await mock.graphql(REQUEST_RESET, { email: EMAIL }), { data: { requestPasswordResetEmail: true } });
  assert.equal((await mock.scenarios())[0].uses_left, 0);
  await rule.remove();
  assert.deepEqual(await mock.scenarios(), []);
});

test('the scenario option scripts one request by header', async () => {
  const mock = server.namespace();
  const answer = await mock.graphql(REQUEST_RESET, { email: EMAIL }, { scenario: 'mail-failure' });
  assert.deepEqual(answer, { data: { requestPasswordResetEmail: false } });
});

test('waitForResetLink says why no email came', async () => {
  const mock = server.namespace();
  await mock.graphql(REQUEST_RESET, { email: 'locked@example.com' });
  await assert.rejects(mock.waitForResetLink('locked@example.com', { timeout: 200 }), (error) => {
    assert.match(error.message, /no reset email to locked@example\.com within 200 ms/);
    assert.match(error.message, /answered: The account is locked/);
    return true;
  });
  await assert.rejects(mock.waitForResetLink('jane.doe@example.com', { timeout: 50 }), /no reset request for it was made/);
});

test('moving the clock past two hours expires the link', async () => {
  const mock = server.namespace();
  await mock.graphql(REQUEST_RESET, { email: EMAIL });
  const { token } = await mock.waitForResetLink(EMAIL);
  const clock = await mock.clock.advance({ hours: 2, seconds: 1 });
  assert.equal(clock.offset_seconds, 7201);
  const reset = await mock.graphql(RESET_PASSWORD, { email: EMAIL, token, password: 'N3w-Passw0rd!' });
  assert.equal(reset.errors[0].message, 'The password token is expired. Reset and try again.');
  assert.equal((await mock.clock.reset()).offset_seconds, 0);
});

test('accounts can be made, locked and unlocked', async () => {
  const mock = server.namespace();
  const created = await mock.createCustomer({ email: 'qa@example.com', password: 'Qa-Passw0rd!', firstname: 'Q', lastname: 'A' });
  assert.equal(created.email, 'qa@example.com');
  assert.equal((await mock.lock('qa@example.com')).locked, true);
  assert.equal((await mock.graphql(REQUEST_RESET, { email: 'qa@example.com' })).errors[0].message, 'The account is locked');
  assert.equal((await mock.unlock('qa@example.com')).locked, false);
  const found = (await mock.customers()).find((c) => c.email === 'qa@example.com');
  assert.equal(found.locked, false);
});

test('a refused control-API call throws with the status and the reason', async () => {
  await assert.rejects(server.namespace().scenario({ state: 'sideways' }), (error) => {
    assert.equal(error.name, 'MockServerError');
    assert.equal(error.status, 400);
    assert.match(error.message, /POST .*\/__admin\/scenarios answered 400: .*unknown state "sideways"/);
    return true;
  });
});

test('connectMockServer drives a server started elsewhere', async () => {
  const remote = connectMockServer(server.url).namespace();
  await remote.graphql(REQUEST_RESET, { email: EMAIL });
  assert.match((await remote.waitForResetLink(EMAIL)).link, /^http:\/\/localhost:3000\//);
});

test('settings are server-wide and read back', async () => {
  assert.equal((await server.settings()).magento_version, '2.4.8');
});

test('with an admin token the helpers send it, and requests without it are refused', async () => {
  const guarded = await startMockServer({ adminToken: 's3cret', args: ['--magento-version', '2.4.6'] });
  try {
    assert.equal((await guarded.settings()).magento_version, '2.4.6');
    assert.equal((await fetch(`${guarded.adminUrl}/settings`)).status, 401);
  } finally {
    await guarded.stop();
  }
  assert.equal(guarded.process.exitCode, 0, 'SIGTERM stops it cleanly');
  await assert.rejects(fetch(`${guarded.url}/readyz`));
});

test('a binary that is not there is named, with how to build one', async () => {
  await assert.rejects(startMockServer({ binary: '/nonexistent/mock-server' }), (error) => {
    assert.ok(error instanceof BinaryNotFound);
    assert.match(error.message, /\/nonexistent\/mock-server/);
    assert.match(error.message, /cargo build -p mock-server/);
    return true;
  });
});

test('the binary is found on PATH before the repository build', () => {
  const found = findBinary();
  const dir = mkdtempSync(join(tmpdir(), 'mock-server-path-'));
  symlinkSync(found, join(dir, 'mock-server'));
  const saved = { PATH: process.env.PATH, MOCK_SERVER_BIN: process.env.MOCK_SERVER_BIN };
  try {
    delete process.env.MOCK_SERVER_BIN;
    process.env.PATH = dir;
    assert.equal(findBinary(), join(dir, 'mock-server'));
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.MOCK_SERVER_BIN !== undefined) process.env.MOCK_SERVER_BIN = saved.MOCK_SERVER_BIN;
  }
});

test('a server that cannot start says why', async () => {
  await assert.rejects(startMockServer({ args: ['--magento-version', '9.9.9'] }), /exited \(status 2\) before it was ready:[\s\S]*9\.9\.9/);
});
