// The Playwright fixture, run by Playwright's own runner on the example specs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(import.meta.resolve('@playwright/test/cli'));
const config = fileURLToPath(new URL('../examples/playwright/playwright.config.mjs', import.meta.url));

test('the fixture gives each Playwright test its own namespace on a shared server', async () => {
  const { code, stdout } = await new Promise((done) => {
    execFile(process.execPath, [cli, 'test', '-c', config, '--reporter', 'json'], (error, out, err) =>
      done({ code: error?.code ?? 0, stdout: out, stderr: err }),
    );
  });
  const report = JSON.parse(stdout);
  assert.deepEqual(report.errors, [], JSON.stringify(report.errors, null, 2));
  assert.equal(report.stats.expected, 2, stdout);
  assert.equal(report.stats.unexpected, 0, stdout);
  assert.equal(code, 0);
});
