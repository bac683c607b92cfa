// What the browser tests share: a free port, the real mock-server binary, Debian's Chromium.
//
// MOCK_SERVER_BIN (default target/debug/mock-server) and CHROMIUM_PATH (default /usr/bin/chromium)
// override the two programs.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = path.resolve(ROOT, process.env.MOCK_SERVER_BIN || 'target/debug/mock-server');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'docs', 'screenshots');

/** A port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The real mock-server binary on `port` with `args`, ready (`/readyz`) when this resolves. */
export async function startMockServer(port, args) {
  assert.ok(existsSync(BIN), `no mock-server binary at ${BIN}: run \`cargo build -p mock-server\` or set MOCK_SERVER_BIN`);
  const all = ['--listen', `127.0.0.1:${port}`, ...args];
  if (spawnSync(BIN, ['--help'], { encoding: 'utf8' }).stdout.includes('--smtp-listen')) all.push('--smtp-listen', 'off');
  const child = spawn(BIN, all, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' } });
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

/** Headless Chromium as every browser test runs it. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
