// The inbox page, end to end, in headless Debian Chromium driven by playwright-core:
// a reset requested over GraphQL shows up on the open page without a reload, opens by mouse and
// by keyboard, shows the token of its link, and the link lands on a (fake) storefront with it.
//
//   cargo build -p mock-server && npm ci && node --test tests/browser/
//
// MOCK_SERVER_BIN (default target/debug/mock-server) and CHROMIUM_PATH (default /usr/bin/chromium)
// override the two programs. Screenshots go to docs/screenshots/ (the README shows them).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.resolve(ROOT, process.env.MOCK_SERVER_BIN || 'target/debug/mock-server');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const SUBJECT = 'Reset your Main Website Store password';
const NS = 'qa-browser';

/** A port nobody listens on right now. */
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

/** The storefront the reset link points at: one page, and a record of what reached it. */
async function startStorefront() {
  const visits = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://storefront.test');
    visits.push({ path: url.pathname, token: url.searchParams.get('token') });
    if (url.pathname === '/customer/account/createPassword/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><title>Set a New Password</title><h1>Set a New Password</h1>'
        + `<p id="token">${(url.searchParams.get('token') || '').replace(/[^A-Za-z0-9]/g, '')}</p>`);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, visits, close: () => new Promise((r) => server.close(r)) };
}

/** The real mock-server binary on a free port, ready (`/readyz`) when this resolves. */
async function startMockServer(storefrontUrl, port) {
  assert.ok(existsSync(BIN), `no mock-server binary at ${BIN}: run \`cargo build -p mock-server\` or set MOCK_SERVER_BIN`);
  const args = ['--listen', `127.0.0.1:${port}`, '--throttle', 'off', '--storefront-url', storefrontUrl];
  // Keep off the shared SMTP port when the binary has an SMTP listener.
  if (spawnSync(BIN, ['--help'], { encoding: 'utf8' }).stdout.includes('--smtp-listen')) args.push('--smtp-listen', 'off');
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15000;
  for (;;) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 100))]);
    if (early) throw new Error(`mock-server exited (${early.code ?? early.signal}) before it was ready:\n${output}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`mock-server not ready after 15 s:\n${output}`);
  }
  return {
    base,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 5000))]);
      if (!done) { child.kill('SIGKILL'); await exited; }
    },
  };
}

describe('the inbox page', () => {
  let storefront; let server; let browser; let context; let page;
  const pageErrors = [];
  let serverDown = false; // while the test stops the server, refused connections are expected

  const headers = (namespace) => ({ 'Content-Type': 'application/json', ...(namespace ? { 'X-Mock-Namespace': namespace } : {}) });

  async function requestReset(email, namespace) {
    const response = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: headers(namespace),
      body: JSON.stringify({ query: `mutation { requestPasswordResetEmail(email: "${email}") }` }),
    });
    assert.deepEqual(await response.json(), { data: { requestPasswordResetEmail: true } });
  }

  async function inbox(namespace) {
    const response = await fetch(`${server.base}/api/v1/messages`, { headers: headers(namespace) });
    assert.equal(response.status, 200);
    return response.json();
  }

  const row = (text) => page.locator('#list li.row').filter({ hasText: text });
  const noReload = async () => assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page reloaded');

  /** The namespace selector: only that namespace's mail, live, and its HTML part in the frame. */
  async function inNamespace() {
    await page.locator('#namespace').fill(NS);
    await page.locator('#namespace').press('Enter');
    await page.locator('#list-title', { hasText: NS }).waitFor();
    await row('jane.doe@example.com').waitFor();
    assert.equal(await page.locator('#list li.row').count(), 1);
    await page.locator('#conn[data-mode="live"]').waitFor();
    await requestReset('roni_cost@example.com', NS);
    await row('roni_cost@example.com').waitFor();
    assert.equal(await page.locator('#list li.row').count(), 2);
    assert.match(page.url(), new RegExp(`[?&]ns=${NS}`));

    await row('roni_cost@example.com').click();
    const src = await page.locator('iframe.mail-frame').getAttribute('src');
    assert.match(src, new RegExp(`\\?namespace=${NS}$`));
    await page.frameLocator('iframe.mail-frame').getByRole('link', { name: 'Set a New Password' }).waitFor();
  }

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    storefront = await startStorefront();
    server = await startMockServer(storefront.url, await freePort());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', locale: 'en-GB' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
    context.setDefaultTimeout(5000);
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // The sandbox refusing the mail's own script is the point of the sandbox, not a page error.
      // The test's storefront serves no Magento static files (the email's logo and fonts).
      const expected = /sandboxed|allow-scripts/.test(message.text())
        || /\/static\/version\d+\//.test(message.location().url ?? '')
        || (serverDown && /ERR_CONNECTION_REFUSED|WebSocket connection/.test(message.text()));
      if (message.type() === 'error' && !expected) {
        pageErrors.push(`console: ${message.text()} (${message.location().url})`);
      }
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await storefront?.close();
  });

  it('shows the captured emails newest first, and a new one without a reload', async () => {
    await requestReset('jane.doe@example.com');
    await requestReset('john.smith+shop@example.com');
    await page.goto(`${server.base}/`);
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.locator('#conn[data-mode="live"]').waitFor();
    await assert.doesNotReject(row('jane.doe@example.com').waitFor());
    assert.match(await page.locator('#list li.row').first().innerText(), /john\.smith\+shop@example\.com/);

    await requestReset('roni_cost@example.com');
    await row('roni_cost@example.com').waitFor();
    await noReload();
    const rows = page.locator('#list li.row');
    assert.equal(await rows.count(), 3);
    assert.match(await rows.first().innerText(), /Veronica Costello <roni_cost@example\.com>[\s\S]*Reset your Main Website Store password/);
    await page.locator('#counts', { hasText: '3 messages · 3 unread' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'inbox-list.png'), animations: 'disabled' });
  });

  it('opens a message from the keyboard and by clicking', async () => {
    await page.locator('#list a.row-link').first().focus();
    await page.keyboard.press('ArrowDown');
    assert.match(await page.evaluate(() => document.activeElement.textContent), /john\.smith/);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.locator('#msg-subject', { hasText: SUBJECT }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'msg-subject', 'focus moves into the opened message');
    assert.match(await page.locator('#meta').innerText(), /roni_cost@example\.com/);

    await page.keyboard.press('Escape');
    await page.locator('#message').waitFor({ state: 'hidden' });
    assert.match(await page.evaluate(() => document.activeElement.textContent), /roni_cost/, 'focus returns to the row');

    await row('roni_cost@example.com').click();
    await page.locator('#msg-subject', { hasText: SUBJECT }).waitFor();
    const classes = (await row('roni_cost@example.com').getAttribute('class')).split(' ');
    assert.ok(classes.includes('selected') && !classes.includes('unread'), `opened: selected and read (${classes})`);
    await page.locator('#counts', { hasText: '3 messages · 2 unread' }).waitFor();
    assert.match(page.url(), /[?&]id=/);
    await noReload();
  });

  it('shows the reset link and token prominently, and copies the token', async () => {
    const link = await page.locator('#reset-link').innerText();
    const token = await page.locator('#reset-token').innerText();
    assert.ok(link.startsWith(`${storefront.url}customer/account/createPassword/?`), link);
    assert.match(token, /^[A-Za-z0-9]{32}$/);
    assert.equal(new URL(link).searchParams.get('token'), token);
    assert.equal(await page.locator('#open-link').getAttribute('href'), link);
    assert.equal(await page.locator('#open-link').getAttribute('target'), '_blank');
    assert.match(await page.locator('#open-link').getAttribute('rel'), /noopener/);

    const admin = await (await fetch(`${server.base}/__admin/customers/roni_cost@example.com/reset-token`)).json();
    assert.equal(token, admin.token, 'the page found the token the server issued');

    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.locator('#copied', { hasText: 'Token copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
  });

  it('renders the HTML part in a sandboxed frame, and shows the text, headers and source', async () => {
    const frame = page.locator('iframe.mail-frame');
    assert.equal(await frame.getAttribute('sandbox'), '');
    assert.match(await frame.getAttribute('src'), /^\/view\/[A-Za-z0-9]+\.html$/);
    await page.frameLocator('iframe.mail-frame').getByRole('link', { name: 'Set a New Password' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'inbox-detail.png'), animations: 'disabled' });

    await page.getByRole('tab', { name: 'Text' }).click();
    assert.match(await page.locator('#panel-text').innerText(), /Set a New Password: http:\/\/127\.0\.0\.1:\d+\/customer\/account\/createPassword\/\?\S*token=/);
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('tab', { name: 'Headers' }).getAttribute('aria-selected'), 'true');
    await page.locator('#panel-headers th', { hasText: 'Subject' }).waitFor();
    assert.match(await page.locator('#panel-headers').innerText(), /Reset your Main Website Store password/);
    await page.getByRole('tab', { name: 'Raw' }).click();
    await page.locator('#raw', { hasText: 'Subject: Reset your Main Website Store password' }).waitFor();
    await page.getByRole('tab', { name: 'HTML' }).click();
  });

  it('follows the reset link to the storefront with the token', async () => {
    const token = await page.locator('#reset-token').innerText();
    const [storefrontPage] = await Promise.all([context.waitForEvent('page'), page.locator('#open-link').click()]);
    await storefrontPage.waitForLoadState();
    assert.equal(await storefrontPage.locator('#token').innerText(), token);
    assert.deepEqual(storefront.visits.filter((v) => v.path !== '/favicon.ico' && !v.path.startsWith('/static/')), [{ path: '/customer/account/createPassword/', token }]);
    await storefrontPage.close();
  });

  it('never runs a script that arrives in an email', async () => {
    const send = await fetch(`${server.base}/api/v1/send`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({
        From: { Email: 'mallory@example.com', Name: 'Mallory' },
        To: [{ Email: 'qa@example.com', Name: 'QA' }],
        Subject: 'Script in mail',
        Text: 'A mail with a script, and a reset link of an older theme.',
        HTML: '<p id="payload">Mail with a script</p>'
          + `<p><a href="${storefront.url}customer/account/createPassword/?id=7&amp;token=OldTheme0123456789abcdefABCDEF01">Reset</a></p>`
          + '<script>document.body.insertAdjacentHTML("beforeend", "<p id=ran>ran</p>");'
          + 'try { parent.document.title = "pwned"; } catch (e) {} try { top.__pwned = 1; } catch (e) {}</script>'
          + '<img src="data:," alt="" onerror="document.title=\'ran\'" onload="document.body.insertAdjacentHTML(\'beforeend\', \'<p id=ran2>ran</p>\')">',
      }),
    });
    assert.equal(send.status, 200, await send.clone().text());
    await row('Script in mail').click();
    const frame = page.frameLocator('iframe.mail-frame');
    await frame.locator('#payload').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await frame.locator('#ran, #ran2').count(), 0, 'the mail script ran');
    assert.equal(await page.locator('#reset-token').innerText(), 'OldTheme0123456789abcdefABCDEF01');
    assert.equal(await page.locator('#reset-link').innerText(), `${storefront.url}customer/account/createPassword/?id=7&token=OldTheme0123456789abcdefABCDEF01`);
    assert.equal(await page.locator('#reset-extra').innerText(), 'Customer id in the link: 7');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.doesNotMatch(await page.title(), /pwned/);
    await noReload();
  });

  it('switches namespace and follows that namespace live', async () => {
    await requestReset('jane.doe@example.com', NS);
    try {
      await inNamespace();
    } finally {
      await page.locator('#namespace').fill('');
      await page.locator('#namespace').press('Enter');
    }
    await row('Script in mail').waitFor();
    await noReload();
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'light', locale: 'en-GB' });
    try {
      const mobile = await phone.newPage();
      const { messages } = await inbox();
      const roni = messages.find((m) => m.To[0].Address === 'roni_cost@example.com');
      await mobile.goto(`${server.base}/?id=${roni.ID}`);
      await mobile.locator('#reset-token').waitFor();
      assert.equal(await mobile.locator('#messages').isVisible(), false, 'the list gives way to the message');
      assert.ok(await mobile.getByRole('button', { name: '← Messages' }).isVisible());
      assert.ok(await mobile.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
      await mobile.frameLocator('iframe.mail-frame').getByRole('link', { name: 'Set a New Password' }).waitFor();
      await mobile.screenshot({ path: path.join(SHOTS, 'inbox-phone.png'), animations: 'disabled' });
      await mobile.getByRole('button', { name: '← Messages' }).click();
      await mobile.locator('#list li.row').first().waitFor();
    } finally {
      await phone.close();
    }
  });

  it('deletes one message, then all of them', async () => {
    await row('Script in mail').click();
    await page.locator('#msg-subject', { hasText: 'Script in mail' }).waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await row('Script in mail').waitFor({ state: 'detached' });
    assert.equal((await inbox()).total, 3);
    await page.locator('#list a.row-link').first().focus();
    await page.keyboard.press('Delete');
    await page.locator('#counts', { hasText: '2 messages' }).waitFor();
    assert.equal((await inbox()).total, 2);

    await page.getByRole('button', { name: 'Delete all' }).click();
    await page.locator('#confirm-dialog').getByRole('button', { name: 'Delete all' }).click();
    await page.locator('#empty').waitFor();
    assert.equal((await inbox()).total, 0);
    assert.equal((await inbox(NS)).total, 2, 'other namespaces keep their mail');
    await noReload();
  });

  it('reconnects after the server restarts, and catches up', async () => {
    const port = new URL(server.base).port;
    serverDown = true;
    await server.stop();
    await page.locator('#conn[data-mode="reconnecting"]').waitFor();
    server = await startMockServer(storefront.url, port);
    await requestReset('roni_cost@example.com');
    await page.locator('#conn[data-mode="live"]').waitFor({ timeout: 10000 });
    serverDown = false;
    await row('roni_cost@example.com').waitFor();
    await noReload();
    assert.deepEqual(pageErrors, []);
  });
});
