// The inbox through the real npm client `mailpit-api`, as QA automation uses it.
// Run: node --test tests/mailpit-client/ (starts target/debug/mock-server, or MOCK_SERVER_BIN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { MailpitClient } from 'mailpit-api';

const bin = process.env.MOCK_SERVER_BIN ?? new URL('../../target/debug/mock-server', import.meta.url).pathname;
let server;
let base;
let mailpit;

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function graphql(query) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

const requestReset = (email) => graphql(`mutation { requestPasswordResetEmail(email: "${email}") }`);

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--smtp-listen', 'off', '--throttle', 'off', '--enable-chaos'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  mailpit = new MailpitClient(base);
});

after(() => server?.kill());

test('info, webui and an empty inbox', async () => {
  await mailpit.deleteMessages();
  const info = await mailpit.getInfo();
  assert.equal(info.Messages, 0);
  assert.equal(typeof info.Version, 'string');
  const webui = await mailpit.getConfiguration();
  assert.equal(webui.HideDeleteAllButton, false);
  const list = await mailpit.listMessages();
  assert.equal(list.total, 0);
  assert.deepEqual(list.messages, []);
});

test('a reset request is found, read and its link followed through the client', async () => {
  await mailpit.deleteMessages();
  assert.deepEqual(await requestReset('roni_cost@example.com'), { data: { requestPasswordResetEmail: true } });
  const message = await mailpit.waitForMessage({ query: 'to:roni_cost@example.com' }, { timeout: 5000, interval: 50 });
  assert.equal(message.Subject, 'Reset your Main Website Store password');
  assert.deepEqual(message.To, [{ Name: 'Veronica Costello', Address: 'roni_cost@example.com' }]);
  // 2.4.8 (the default) links with ?email=&id=&token=.
  const token = /createPassword\/\?\S*token=([A-Za-z0-9]{32})/.exec(message.Text)[1];
  assert.match(message.HTML, new RegExp(`token=${token}`));

  const headers = await mailpit.getMessageHeaders(message.ID);
  assert.deepEqual(headers.Subject, ['Reset your Main Website Store password']);
  const source = await mailpit.getMessageSource(message.ID);
  assert.ok(source.includes('Subject: Reset your Main Website Store password'), source);
  assert.match(await mailpit.renderMessageText(message.ID), /Veronica Costello,/);
  assert.match(await mailpit.renderMessageHTML(message.ID), /Set a New Password/);

  const links = await mailpit.linkCheck(message.ID);
  const resetLink = links.Links.find((link) => link.URL.includes('createPassword'));
  assert.equal(resetLink.StatusCode, 200, JSON.stringify(links));

  const reset = await graphql(
    `mutation { resetPassword(email: "roni_cost@example.com", resetPasswordToken: "${token}", newPassword: "N3w-Passw0rd!") }`,
  );
  assert.deepEqual(reset, { data: { resetPassword: true } });
});

test('send, tags, search, read status and deletion', async () => {
  await mailpit.deleteMessages();
  const { ID } = await mailpit.sendMessage({
    From: { Email: 'orders@shop.test', Name: 'Shop' },
    To: [{ Email: 'qa+checkout@example.test', Name: 'QA' }],
    Subject: 'Order confirmation',
    Text: 'Thanks',
    Tags: ['orders'],
  });
  assert.equal(typeof ID, 'string');
  assert.deepEqual((await mailpit.getTags()).sort(), ['checkout', 'orders']);
  await requestReset('jane.doe@example.com');

  const found = await mailpit.searchMessages({ query: 'subject:"Order confirmation"' });
  assert.equal(found.messages_count, 1);
  assert.equal(found.messages[0].ID, ID);

  await mailpit.setReadStatus({ Read: true });
  assert.equal((await mailpit.listMessages()).unread, 0);
  await mailpit.setReadStatus({ Search: 'tag:orders', Read: false });
  assert.equal((await mailpit.listMessages()).unread, 1);

  const both = await mailpit.waitForMessages({ count: 2, exact: true }, { timeout: 2000, interval: 50 });
  assert.equal(both.messages_count, 2);
  await mailpit.deleteMessagesBySearch({ query: 'tag:orders' });
  const left = await mailpit.listMessages();
  assert.equal(left.total, 1);
  assert.equal(left.messages[0].To[0].Address, 'jane.doe@example.com');
  await mailpit.deleteMessages({ IDs: [left.messages[0].ID] });
  assert.equal((await mailpit.getInfo()).Messages, 0);
});

test('chaos triggers through the client (--enable-chaos)', async () => {
  const defaults = {
    Sender: { ErrorCode: 451, Probability: 0 },
    Recipient: { ErrorCode: 451, Probability: 0 },
    Authentication: { ErrorCode: 535, Probability: 0 },
  };
  assert.equal((await mailpit.getConfiguration()).ChaosEnabled, true);
  assert.deepEqual(await mailpit.getChaosTriggers(), defaults);
  const set = await mailpit.setChaosTriggers({ Sender: { ErrorCode: 450, Probability: 5 } });
  assert.deepEqual(set, { ...defaults, Sender: { ErrorCode: 450, Probability: 5 } });
  assert.deepEqual(await mailpit.getChaosTriggers(), set);
  await assert.rejects(mailpit.setChaosTriggers({ Recipient: { Probability: 101 } }), /400 Bad Request .*probability must be between 0 and 100/);
  assert.deepEqual(await mailpit.setChaosTriggers(), defaults);
});
