// The OpenAPI documents: valid OpenAPI 3.1 (by @seriousme/openapi-schema-validator), and every
// documented operation's answer, and each documented refusal, valid against the documented
// response schema (Ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
// Run: node --test tests/openapi/ (starts MOCK_SERVER_BIN, or the repository's build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { startMockServer } from '@magento-reset-mock/server';

const FILES = {
  admin: new URL('../../mock-server/assets/openapi/admin.json', import.meta.url),
  inbox: new URL('../../mock-server/assets/openapi/inbox.json', import.meta.url),
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
// OpenAPI's `example` is no JSON Schema keyword; formats (date-time) are checked.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

let server;
const docs = {};
before(async () => {
  server = await startMockServer();
  for (const [name, file] of Object.entries(FILES)) {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(readFileSync(file, 'utf8')));
    docs[name] = { result, version: validator.version, resolved: result.valid ? validator.resolveRefs() : null };
  }
});
after(() => server?.stop());

for (const name of Object.keys(FILES)) {
  test(`${name}.json is a valid OpenAPI 3.1 document`, () => {
    const { result, version } = docs[name];
    assert.deepEqual(result.errors ?? [], [], JSON.stringify(result.errors, null, 2));
    assert.equal(result.valid, true);
    assert.equal(version, '3.1');
  });
}

test('the validator refuses a broken document (so the check above can fail)', async () => {
  const broken = JSON.parse(readFileSync(FILES.admin, 'utf8'));
  broken.paths['/__admin/clock'].get.responses = { 200: { content: {} } }; // a response needs a description
  const result = await new Validator().validate(broken);
  assert.equal(result.valid, false);
});

/** Checks an answer against the operation's documented responses; returns what it checked. */
async function checkAnswer(response, operation, what) {
  const text = await response.text();
  const documented = operation.responses[String(response.status)];
  assert.ok(documented, `${what}: status ${response.status} is not documented (${text.slice(0, 300)})`);
  if (!documented.content) {
    assert.equal(text, '', `${what}: documented without a body`);
    return;
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  const content = documented.content[mediaType] ?? documented.content['*/*'];
  assert.ok(content, `${what}: ${mediaType} is not among ${Object.keys(documented.content)}`);
  const body = mediaType === 'application/json' ? JSON.parse(text) : text;
  const validate = ajv.compile(content.schema);
  assert.ok(validate(body), `${what}: ${JSON.stringify(validate.errors, null, 2)}\n${text.slice(0, 1000)}`);
}

/** The request an operation's examples describe, in the given namespace. */
function exampleRequest(path, method, operation, namespace) {
  let url = path;
  const query = new URLSearchParams();
  for (const parameter of operation.parameters ?? []) {
    if (parameter.example === undefined) continue;
    if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, parameter.example);
    if (parameter.in === 'query') query.set(parameter.name, parameter.example);
  }
  const init = { method: method.toUpperCase(), headers: { 'X-Mock-Namespace': namespace } };
  const example = operation.requestBody?.content?.['application/json']?.example;
  if (example !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(example);
  }
  return [`${server.url}${url}${query.size ? `?${query}` : ''}`, init];
}

test('every documented operation, sent as its examples say, answers as documented', async () => {
  // The default namespace exists once used; the example of DELETE /__admin/namespaces/{name} forgets it.
  await server.clock.get();
  let checked = 0;
  for (const name of Object.keys(FILES)) {
    for (const [path, item] of Object.entries(docs[name].resolved.paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        const key = `${method.toUpperCase()} ${path}`;
        // A namespace where Roni has just asked for a reset: `latest`, the token and the journal have something.
        const mock = server.namespace();
        await mock.graphql('mutation { requestPasswordResetEmail(email: "roni_cost@example.com") }');
        const response = await fetch(...exampleRequest(path, method, item[method], mock.namespaceName));
        // An example that cannot succeed says what it gets instead.
        const refusal = item[method]['x-example-answer']?.status;
        if (refusal) assert.equal(response.status, refusal, key);
        else assert.ok(response.ok, `${key}: the example should succeed, got ${response.status}`);
        await checkAnswer(response, item[method], key);
        checked += 1;
      }
    }
  }
  assert.ok(checked >= 35, `only ${checked} operations`);
});

// Refusals, each answered with the documented status and body.
const REFUSALS = [
  ['admin', 'GET', '/__admin/customers/{email}/reset-token', '/__admin/customers/nobody@example.com/reset-token', undefined, 404],
  ['admin', 'POST', '/__admin/customers', '/__admin/customers', {}, 400],
  ['admin', 'POST', '/__admin/customers', '/__admin/customers', { email: 'roni_cost@example.com', password: 'x' }, 409],
  ['admin', 'POST', '/__admin/clock/advance', '/__admin/clock/advance', { seconds: 1e12 }, 400],
  ['admin', 'GET', '/__admin/requests/wait', '/__admin/requests/wait?operation=nothing&timeout_ms=1', undefined, 408],
  ['admin', 'GET', '/__admin/requests', '/__admin/requests?colour=blue', undefined, 400],
  ['admin', 'POST', '/__admin/customers/{email}/lock', '/__admin/customers/nobody@example.com/lock', undefined, 404],
  ['admin', 'POST', '/__admin/customers/{email}/lock', '/__admin/customers/roni_cost@example.com/lock', { minutes: 'x' }, 422],
  ['admin', 'POST', '/__admin/scenarios', '/__admin/scenarios', { state: 'sideways' }, 400],
  ['admin', 'GET', '/__admin/messages/{id}', '/__admin/messages/nope', undefined, 404],
  ['admin', 'DELETE', '/__admin/namespaces/{name}', '/__admin/namespaces/never-used', undefined, 404],
  ['admin', 'PATCH', '/__admin/settings', '/__admin/settings', { magento_version: '3.0.0' }, 400],
  ['inbox', 'POST', '/api/v1/send', '/api/v1/send', {}, 400],
  ['inbox', 'GET', '/api/v1/message/{ID}', '/api/v1/message/nope', undefined, 404],
  ['inbox', 'GET', '/api/v1/search', '/api/v1/search', undefined, 400],
  ['inbox', 'GET', '/api/v1/messages', '/api/v1/messages?start=x', undefined, 400],
  ['inbox', 'GET', '/view/{ID}.txt', '/view/nope.txt', undefined, 404],
];

test('documented refusals answer with the documented status and body', async () => {
  for (const [name, method, documentedPath, path, body, status] of REFUSALS) {
    const key = `${method} ${path}`;
    const init = { method, headers: { 'X-Mock-Namespace': server.namespace().namespaceName } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(`${server.url}${path}`, init);
    assert.equal(response.status, status, key);
    await checkAnswer(response, docs[name].resolved.paths[documentedPath][method.toLowerCase()], key);
  }
  const badNamespace = await fetch(`${server.url}/__admin/clock`, { headers: { 'X-Mock-Namespace': 'not a name' } });
  await checkAnswer(badNamespace, docs.admin.resolved.paths['/__admin/clock'].get, 'a bad namespace');
  assert.equal(badNamespace.status, 400);
});

test('without the admin token every control route answers the documented 401', async () => {
  const guarded = await startMockServer({ adminToken: 's3cret' });
  try {
    for (const [path, item] of Object.entries(docs.admin.resolved.paths)) {
      if (!path.startsWith('/__admin/') || !item.get) continue;
      const response = await fetch(`${guarded.url}${path.replace(/\{(\w+)\}/g, 'x')}`);
      assert.equal(response.status, 401, path);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer');
      await checkAnswer(response, item.get, `GET ${path} without the token`);
    }
  } finally {
    await guarded.stop();
  }
});
