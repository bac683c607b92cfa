// Start mock-server (the Magento password-reset test double) from JavaScript tests and drive it
// through its control API. No build step: this file is what runs; index.d.ts types it.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const BINARY = process.platform === 'win32' ? 'mock-server.exe' : 'mock-server';
const RESET_OPERATION = 'requestPasswordResetEmail';
// The control API caps one wait at 60 s; longer timeouts wait again.
const MAX_WAIT_MS = 60_000;

/** Where the binary was looked for, in order, and the one found (or an error saying where). */
export function findBinary(binary) {
  const looked = [];
  const usable = (path) => {
    looked.push(path);
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
  if (binary) {
    if (usable(resolve(binary))) return resolve(binary);
    throw new BinaryNotFound(`the binary option ${JSON.stringify(binary)} is not an executable file`, looked);
  }
  if (process.env.MOCK_SERVER_BIN) {
    const path = resolve(process.env.MOCK_SERVER_BIN);
    if (usable(path)) return path;
    throw new BinaryNotFound(`MOCK_SERVER_BIN=${path} is not an executable file`, looked);
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (usable(join(dir, BINARY))) return join(dir, BINARY);
  }
  // A checkout of the repository: the newest of its debug and release builds.
  const targets = [];
  if (process.env.CARGO_TARGET_DIR) targets.push(resolve(process.env.CARGO_TARGET_DIR));
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    for (let dir = start; ; dir = dirname(dir)) {
      targets.push(join(dir, 'target'));
      if (dirname(dir) === dir) break;
    }
  }
  const builds = [...new Set(targets)]
    .flatMap((target) => ['debug', 'release'].map((profile) => join(target, profile, BINARY)))
    .filter(usable)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (builds.length > 0) return builds[0];
  throw new BinaryNotFound('no mock-server binary found', looked);
}

export class BinaryNotFound extends Error {
  constructor(reason, looked) {
    super(
      `${reason}. Looked at:\n${looked.map((path) => `  ${path}`).join('\n')}\n` +
        'Build it in the repository with `cargo build -p mock-server` (or `cargo install --path mock-server`), ' +
        'or pass { binary } or set MOCK_SERVER_BIN. This package never downloads anything.',
    );
    this.name = 'BinaryNotFound';
    this.looked = looked;
  }
}

/**
 * Starts the binary on a free port (port 0, the bound address read from its banner), waits
 * until /readyz answers, and returns a handle acting on the default namespace.
 */
export async function startMockServer({ binary, args = [], env = {}, port = 0, adminToken, startTimeout = 15_000, log = false } = {}) {
  const path = findBinary(binary);
  const flags = [...args];
  // An option given twice is refused by the binary, so defaults go in only when absent.
  const has = (flag) => flags.some((arg) => arg === flag || arg.startsWith(`${flag}=`));
  if (!has('--listen')) flags.push('--listen', `127.0.0.1:${port}`);
  // Port 0 here too, so parallel servers never fight over 1025.
  if (!has('--smtp-listen')) flags.push('--smtp-listen', '127.0.0.1:0');
  if (adminToken !== undefined && !has('--admin-token')) flags.push('--admin-token', adminToken);
  const child = spawn(path, flags, {
    env: { RUST_LOG: 'warn', ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => {
    if (log) process.stderr.write(text);
    stderr.push(text);
    if (stderr.length > 50) stderr.shift();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  const failure = (reason) =>
    new Error(`mock-server (${path} ${flags.join(' ')}) ${reason}${stderr.length ? `:\n${stderr.join('').trimEnd()}` : ''}`);
  try {
    const banner = await readBanner(child, exited, startTimeout, failure);
    const server = new MockServer({ url: banner.url, adminToken, child, exited, smtp: banner.smtp, killOnExit });
    await server.waitUntilReady(startTimeout);
    return server;
  } catch (error) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw error;
  }
}

/** The banner's `GraphQL http://ADDR/graphql` and `SMTP capture ADDR|off` lines. */
function readBanner(child, exited, timeout, failure) {
  return new Promise((resolveBanner, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(failure(`printed no address within ${timeout} ms`)), timeout);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const url = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(text)?.[1];
      const smtp = /SMTP capture (\S+)/.exec(text)?.[1];
      if (url && smtp) {
        clearTimeout(timer);
        child.stdout.resume();
        const [, host, smtpPort] = /^(.*):(\d+)$/.exec(smtp) ?? [];
        resolveBanner({ url, smtp: smtp === 'off' ? null : { host, port: Number(smtpPort) } });
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(failure(`exited (${signal ?? `status ${code}`}) before it was ready`));
    });
  });
}

/** A failed control-API call, with the status and the server's reason. */
export class MockServerError extends Error {
  constructor(method, url, status, body) {
    const reason = reasonOf(body);
    super(`${method} ${url} answered ${status}: ${reason}`);
    this.name = 'MockServerError';
    this.status = status;
    this.reason = reason;
    this.body = body;
  }
}

/** The control API's `{"error": "..."}`, or the body as it came. */
function reasonOf(body) {
  try {
    const { error } = JSON.parse(body);
    if (typeof error === 'string') return error;
  } catch {
    // not the control API's JSON
  }
  return body.trimEnd();
}

let namespaces = 0;

/** The helpers, bound to one namespace ("" is the default one). */
export class MockClient {
  constructor({ url, adminToken, namespace = '' }) {
    this.url = url.replace(/\/$/, '');
    this.graphqlUrl = `${this.url}/graphql`;
    this.adminUrl = `${this.url}/__admin`;
    this.inboxUrl = `${this.url}/api/v1`;
    this.adminToken = adminToken;
    this.namespaceName = namespace;
    this.clock = {
      get: () => this.admin('GET', '/clock'),
      /** Moves this namespace's clock (token expiry, locks, throttles); negative goes back. */
      advance: (by) => this.admin('POST', '/clock/advance', { seconds: toSeconds(by) }),
      reset: () => this.admin('DELETE', '/clock'),
    };
  }

  /** A client on a fresh namespace (or the one named), sharing this server. */
  namespace(name) {
    namespaces += 1;
    const fresh = name ?? `test-${process.pid}-${namespaces}-${randomBytes(4).toString('hex')}`;
    return new MockClient({ url: this.url, adminToken: this.adminToken, namespace: fresh });
  }

  headers(extra = {}) {
    const headers = { ...extra };
    if (this.namespaceName) headers['X-Mock-Namespace'] = this.namespaceName;
    if (this.adminToken !== undefined) headers.Authorization = `Bearer ${this.adminToken}`;
    return headers;
  }

  /**
   * POSTs a GraphQL document and returns the parsed body ({ data, errors }): Magento answers most
   * failures as errors with HTTP 200. `scenario` sends X-Mock-Scenario for this request.
   */
  async graphql(query, variables, { headers = {}, scenario, namespace } = {}) {
    const response = await this.graphqlResponse(query, variables, { headers, scenario, namespace });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new MockServerError('POST', this.graphqlUrl, response.status, `not JSON: ${text.slice(0, 500)}`);
    }
  }

  /** The same, returning the fetch Response (status, headers) unread. */
  graphqlResponse(query, variables, { headers = {}, scenario, namespace } = {}) {
    const all = { 'Content-Type': 'application/json', ...this.headers(headers) };
    if (scenario) all['X-Mock-Scenario'] = scenario;
    if (namespace !== undefined) all['X-Mock-Namespace'] = namespace;
    delete all.Authorization; // the admin token is not a customer token
    if (headers.Authorization) all.Authorization = headers.Authorization;
    const body = JSON.stringify(variables === undefined ? { query } : { query, variables });
    return fetch(this.graphqlUrl, { method: 'POST', headers: all, body });
  }

  /** A control-API call; throws MockServerError on a 4xx/5xx. */
  async admin(method, path, body) {
    const { status, text, url } = await this.adminCall(method, path, body);
    if (status >= 400) throw new MockServerError(method, url, status, text);
    return text ? JSON.parse(text) : null;
  }

  /** The same, answering { status, body } whatever the status. */
  async adminResponse(method, path, body) {
    const { status, text } = await this.adminCall(method, path, body);
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text
    }
    return { status, body: parsed };
  }

  async adminCall(method, path, body) {
    const url = `${this.adminUrl}${path}`;
    const init = { method, headers: this.headers() };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    return { status: response.status, text: await response.text(), url };
  }

  /**
   * The reset link of the newest reset email to `email` in this namespace, waiting (without
   * polling: the journal's long-poll) until one is captured.
   */
  async waitForResetLink(email, { timeout = 5_000 } = {}) {
    const deadline = Date.now() + timeout;
    const filter = { operation: RESET_OPERATION, email };
    const seen = await this.journal(filter);
    let entry = seen.findLast((e) => e.message_id);
    let after = seen.at(-1)?.id;
    while (!entry) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const query = { ...filter, timeout_ms: Math.min(left, MAX_WAIT_MS), ...(after !== undefined && { after }) };
      const path = `/requests/wait?${new URLSearchParams(query)}`;
      const { status, body } = await this.adminResponse('GET', path);
      if (status === 408) break;
      if (status !== 200) throw new MockServerError('GET', `${this.adminUrl}${path}`, status, JSON.stringify(body));
      after = body.id;
      if (body.message_id) entry = body;
    }
    if (!entry) {
      const answers = (await this.journal(filter)).map((e) => e.error ?? JSON.stringify(e.result));
      throw new Error(
        `no reset email to ${email} within ${timeout} ms in namespace ${JSON.stringify(this.namespaceName)}` +
          (answers.length ? `; its reset requests were answered: ${answers.join(', ')}` : '; no reset request for it was made'),
      );
    }
    const message = await this.admin('GET', `/messages/${encodeURIComponent(entry.message_id)}`);
    if (!message.reset_link) throw new Error(`the email ${message.id} to ${email} has no reset link`);
    return { link: message.reset_link, token: message.token, id: message.id, message };
  }

  /** Adds a scripted rule ({ state, operation?, email?, times?, delay_ms? }); remove() undoes it. */
  async scenario(rule) {
    const { id } = await this.admin('POST', '/scenarios', rule);
    return { id, remove: () => this.admin('DELETE', `/scenarios/${encodeURIComponent(id)}`) };
  }

  scenarios() {
    return this.admin('GET', '/scenarios');
  }

  clearScenarios() {
    return this.admin('DELETE', '/scenarios');
  }

  /** The request journal, oldest first ({ operation?, email?, after?, limit? }). */
  journal(filter = {}) {
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined));
    return this.admin('GET', `/requests${query.size ? `?${query}` : ''}`);
  }

  /** The first journal entry matching `filter`, as soon as there is one. */
  waitForRequest(filter = {}, { timeout = 5_000 } = {}) {
    const query = new URLSearchParams({ ...filter, timeout_ms: Math.min(timeout, MAX_WAIT_MS) });
    return this.admin('GET', `/requests/wait?${query}`);
  }

  createCustomer(customer) {
    return this.admin('POST', '/customers', customer);
  }

  customers() {
    return this.admin('GET', '/customers');
  }

  lock(email, { minutes } = {}) {
    return this.admin('POST', `/customers/${encodeURIComponent(email)}/lock`, minutes === undefined ? undefined : { minutes });
  }

  unlock(email) {
    return this.admin('DELETE', `/customers/${encodeURIComponent(email)}/lock`);
  }

  /** Accounts, tokens, inbox, journal, rules and clock of this namespace back to the fixtures. */
  reset() {
    return this.admin('POST', '/reset');
  }

  /** Frees this namespace on the server (for clean-up after a test). */
  async forget() {
    const name = this.namespaceName || '_';
    const path = `/namespaces/${encodeURIComponent(name)}`;
    const { status, body } = await this.adminResponse('DELETE', path);
    // 404: never used, so nothing to free.
    if (status !== 204 && status !== 404) throw new MockServerError('DELETE', `${this.adminUrl}${path}`, status, JSON.stringify(body));
  }

  /** The inbox, as Mailpit's GET /api/v1/messages. */
  async messages() {
    const response = await fetch(`${this.inboxUrl}/messages`, { headers: this.headers() });
    if (!response.ok) throw new MockServerError('GET', `${this.inboxUrl}/messages`, response.status, await response.text());
    return response.json();
  }
}

/** A started server: the helpers on its default namespace, plus settings and stop(). */
export class MockServer extends MockClient {
  constructor({ url, adminToken, child, exited, smtp, killOnExit }) {
    super({ url, adminToken });
    this.process = child;
    this.smtp = smtp;
    this.exited = exited;
    this.killOnExit = killOnExit;
  }

  async waitUntilReady(timeout) {
    const deadline = Date.now() + timeout;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      try {
        if ((await fetch(`${this.url}/readyz`)).ok) return;
      } catch {
        // not accepting yet
      }
      if (Date.now() > deadline) throw new Error(`mock-server at ${this.url} was not ready within ${timeout} ms`);
      await new Promise((done) => setTimeout(done, delay));
    }
  }

  settings() {
    return this.admin('GET', '/settings');
  }

  /** Server-wide: { magento_version?, magento_mode?, throttle?, enumeration? }. */
  updateSettings(change) {
    return this.admin('PATCH', '/settings', change);
  }

  /** SIGTERM (requests in flight finish), then waits for the exit. */
  async stop() {
    if (this.process) {
      process.removeListener('exit', this.killOnExit);
      if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
      await this.exited;
    }
  }
}

/** The helpers over a server started elsewhere (a container, another process). */
export function connectMockServer(url, { adminToken } = {}) {
  return new MockClient({ url, adminToken });
}

function toSeconds(by) {
  if (typeof by === 'number') return by;
  const { seconds = 0, minutes = 0, hours = 0, days = 0 } = by;
  return seconds + minutes * 60 + hours * 3600 + days * 86400;
}
