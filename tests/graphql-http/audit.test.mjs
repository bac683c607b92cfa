// The GraphQL-over-HTTP audit of the npm package `graphql-http` (the reference implementation of
// the GraphQL over HTTP specification), against the mock as each release family answers.
// Run: node --test tests/graphql-http/ (starts target/debug/mock-server, or MOCK_SERVER_BIN).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { serverAudits } from 'graphql-http';

const bin = process.env.MOCK_SERVER_BIN ?? new URL('../../target/debug/mock-server', import.meta.url).pathname;
const servers = [];

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

async function start(version) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--smtp-listen', 'off', '--magento-version', version], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  servers.push(server);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) return base;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`mock-server --magento-version ${version} did not start`);
}

after(() => servers.forEach((server) => server.kill()));

for (const version of ['2.4.6', '2.4.7', '2.4.8']) {
  test(`no MUST of GraphQL over HTTP fails (--magento-version ${version})`, async () => {
    const base = await start(version);
    const results = [];
    for (const audit of serverAudits({ url: `${base}/graphql` })) {
      results.push(await audit.fn());
    }
    const failedMusts = results.filter((r) => r.status === 'error');
    const report = failedMusts.map((r) => `${r.id} ${r.name}: ${r.reason}`).join('\n');
    assert.ok(results.length > 40, `the audit ran (${results.length} checks)`);
    assert.equal(failedMusts.length, 0, `MUST failures:\n${report}`);
    const warnings = results.filter((r) => r.status === 'warn').length;
    console.log(`${version}: ${results.length} checks, ${results.filter((r) => r.status === 'ok').length} ok, ${warnings} SHOULD warnings, 0 MUST failures`);
  });
}
