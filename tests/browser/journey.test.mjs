// A shopper's whole password journey in headless Chromium, with nothing running but the mock:
// a storefront-like page (fixture, ./storefront/) signs up, signs in and asks for a reset over
// GraphQL; the inbox page shows the email; its link opens the mock's Luma "Set a New Password"
// page, which refuses mismatched passwords and takes a good one; the sign-in page it leads to signs
// in with the new password, and the header's "Sign Out" signs out; GraphQL sign-in then works with
// the new password only, and changeCustomerPassword changes it again.
//
//   cargo build -p mock-server && npm ci && node --test tests/browser/journey.test.mjs
//
// The server is started with the npm package (packages/mock-server: MOCK_SERVER_BIN picks the
// binary); CHROMIUM_PATH (default /usr/bin/chromium) picks the browser. Screenshots of the Luma pages go to docs/screenshots/ (the README shows them).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startMockServer } from '@magento-reset-mock/server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FIXTURE = fileURLToPath(new URL('./storefront/', import.meta.url));
const NS = 'journey';
const EMAIL = 'journey.shopper@example.com';
const FIRST = 'Sh0pper-First!';
const SECOND = 'Sh0pper-Second!';
const THIRD = 'Sh0pper-Third!';
const SUBJECT = 'Reset your Main Website Store password';

/** A port nobody listens on right now (the links must name the mock's port before it starts). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Serves the fixture storefront's two files. */
async function startStorefront() {
  const files = { '/': ['index.html', 'text/html'], '/storefront.js': ['storefront.js', 'text/javascript'] };
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url, 'http://fixture.test').pathname];
    if (!file) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': `${file[1]}; charset=utf-8` });
    res.end(readFileSync(path.join(FIXTURE, file[0])));
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

describe('the password journey through the Luma pages', () => {
  let server; let storefront; let browser; let context; let shop; let inbox;
  const pageErrors = [];

  /** Fills a form of the fixture by typing, submits it by clicking, answers what it shows. */
  async function submit(formId, fields, button) {
    const form = shop.locator(`#${formId}`);
    for (const [name, value] of Object.entries(fields)) {
      await form.locator(`[name="${name}"]`).fill('');
      await form.locator(`[name="${name}"]`).pressSequentially(value);
    }
    const output = form.locator('output');
    await output.evaluate((o) => { o.textContent = ''; });
    await form.getByRole('button', { name: button }).click();
    await output.filter({ hasNotText: /^(…)?$/ }).waitFor();
    return output.innerText();
  }

  const signIn = (password) => submit('sign-in', { email: EMAIL, password }, 'Sign In');

  /** The Luma page's messages, as a shopper reads them. */
  const messages = (page) => page.locator('.page.messages .message').allInnerTexts();

  /** Opens the reset email in the inbox page and clicks its link: the Luma page's tab. */
  async function clickResetLink() {
    await inbox.locator('#list li.row').filter({ hasText: SUBJECT }).first().click();
    await inbox.locator('#msg-subject', { hasText: SUBJECT }).waitFor();
    const [page] = await Promise.all([context.waitForEvent('page'), inbox.locator('#open-link').click()]);
    await page.waitForLoadState();
    return page;
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const port = await freePort();
    // The links land on the mock itself, as the README tells QA to run it.
    server = await startMockServer({ port, args: ['--throttle', 'off', '--magento-version', '2.4.7',
      '--storefront-url', `http://127.0.0.1:${port}/`] });
    storefront = await startStorefront();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light', locale: 'en-GB' });
    context.setDefaultTimeout(5000);
    context.on('page', (page) => {
      page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        // The email's logo and fonts are Magento static files, which the mock does not serve.
        const expected = /\/static\/version\d+\//.test(message.location().url ?? '');
        if (message.type() === 'error' && !expected) pageErrors.push(`console: ${message.text()} (${message.location().url})`);
      });
    });
    shop = await context.newPage();
    await shop.goto(`${storefront.url}?graphql=${encodeURIComponent(`${server.url}/graphql`)}&ns=${NS}`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await storefront?.close();
  });

  it('signs up, signs in and asks for a reset on the storefront', async () => {
    assert.equal(await submit('sign-up', { firstname: 'Journey', lastname: 'Shopper', email: EMAIL, password: FIRST }, 'Create an Account'),
      'Welcome, Journey!');
    assert.equal(await signIn(FIRST), `Signed in as ${EMAIL}`);
    assert.match(await submit('forgot', { email: EMAIL }, 'Reset My Password'), /you will receive an email/);
  });

  it('refuses mismatched passwords on the page the link opens, as the store does', async () => {
    inbox = await context.newPage();
    await inbox.goto(`${server.url}/?ns=${NS}`);
    const luma = await clickResetLink();
    assert.match(luma.url(), /\/customer\/account\/createpassword\/$/, 'the token went into the session');
    assert.equal(await luma.title(), 'Set a New Password');
    await luma.locator('h1.page-title').getByText('Set a New Password').waitFor();
    await luma.screenshot({ path: path.join(SHOTS, 'luma-create-password.png'), animations: 'disabled' });

    await luma.locator('#password').pressSequentially(SECOND);
    await luma.locator('#password-confirmation').pressSequentially(`${SECOND}?`);
    await luma.getByRole('button', { name: 'Set a New Password' }).click();
    // 2.4.7-p3 sends the browser back without the customer id, which its own check refuses.
    await luma.waitForURL(/\/customer\/account\/forgotpassword\/$/);
    assert.deepEqual(await messages(luma), [
      "New Password and Confirm New Password values didn't match.",
      'Your password reset link has expired.',
    ]);
    await luma.close();
  });

  it('takes a good password and sends the shopper to sign in', async () => {
    const luma = await clickResetLink();
    await luma.locator('#password').pressSequentially(SECOND);
    await luma.locator('#password-confirmation').pressSequentially(SECOND);
    await luma.getByRole('button', { name: 'Set a New Password' }).click();
    await luma.waitForURL(/\/customer\/account\/login\/$/);
    assert.equal(await luma.title(), 'Customer Login');
    assert.deepEqual(await messages(luma), ['You updated your password.']);
    await luma.screenshot({ path: path.join(SHOTS, 'luma-login-updated.png'), animations: 'disabled' });
    await luma.reload();
    assert.deepEqual(await messages(luma), [], 'a message is shown once');

    // The page's own form signs in (loginPost/) and ends on the account dashboard.
    await luma.locator('#email').fill(EMAIL);
    await luma.locator('#password').fill(SECOND);
    await luma.getByRole('button', { name: 'Sign In' }).click();
    await luma.waitForURL(/\/customer\/account\/$/);
    assert.equal(await luma.title(), 'My Account');
    assert.match(await luma.locator('.box-information .box-content').innerText(), new RegExp(`Journey Shopper\\s+${EMAIL}`));

    // The header's "Sign Out" ends the page session (logout/ → logoutSuccess/).
    await luma.getByRole('link', { name: 'Sign Out' }).click();
    await luma.waitForURL(/\/customer\/account\/logoutSuccess\/$/);
    assert.equal(await luma.locator('h1.page-title').innerText(), 'You are signed out');
    await luma.goto(luma.url().replace(/logoutSuccess\/$/, ''));
    await luma.waitForURL(/\/customer\/account\/login\/referer\//);
    assert.equal(await luma.title(), 'Customer Login');
    await luma.close();
  });

  it('signs in with the new password only, and changes it again', async () => {
    assert.match(await signIn(FIRST), /The account sign-in was incorrect/);
    assert.equal(await signIn(SECOND), `Signed in as ${EMAIL}`);
    assert.equal(await submit('change', { current: SECOND, next: THIRD }, 'Save'), `Password changed for ${EMAIL}`);
    assert.match(await signIn(SECOND), /The account sign-in was incorrect/);
    assert.equal(await signIn(THIRD), `Signed in as ${EMAIL}`);
  });

  it('used the link up', async () => {
    const luma = await clickResetLink();
    await luma.waitForURL(/\/customer\/account\/forgotpassword\/$/);
    assert.deepEqual(await messages(luma), ['Your password reset link has expired.']);
    await luma.close();
    assert.deepEqual(pageErrors, []);
  });
});
