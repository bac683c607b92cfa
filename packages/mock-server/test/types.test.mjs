// The hand-written index.d.ts and playwright.d.ts, checked by compiling a use of every helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
const project = fileURLToPath(new URL('../examples/types/tsconfig.json', import.meta.url));

test('the type declarations compile against a use of every helper', async () => {
  const { code, output } = await new Promise((done) => {
    execFile(process.execPath, [tsc, '-p', project], (error, out, err) => done({ code: error?.code ?? 0, output: out + err }));
  });
  assert.equal(output, '');
  assert.equal(code, 0);
});
