// Types of index.js (hand-written: the package has no build step).
import type { ChildProcess } from 'node:child_process';

export interface StartOptions {
  /** Path of the mock-server binary. Default: MOCK_SERVER_BIN, then PATH, then the repository's target/{debug,release}. */
  binary?: string;
  /** Extra command-line flags, e.g. ['--magento-version', '2.4.6']. */
  args?: string[];
  /** Extra environment variables (RUST_LOG defaults to warn). */
  env?: Record<string, string>;
  /** Port to listen on; 0 (the default) picks a free one. Ignored when args has --listen. */
  port?: number;
  /** Starts the server with --admin-token; the helpers then send it. */
  adminToken?: string;
  /** Milliseconds to wait for the server to be ready (default 15000). */
  startTimeout?: number;
  /** Forward the server's stderr (its logs) to this process's stderr. */
  log?: boolean;
}

export interface GraphQLOptions {
  headers?: Record<string, string>;
  /** X-Mock-Scenario for this request: 'locked', 'mail-failure', 'http-503', 'delay-3000', ... */
  scenario?: string;
  /** Another namespace for this request only. */
  namespace?: string;
}

export interface GraphQLResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; locations?: Array<{ line: number; column: number }>; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface Mailbox {
  Name: string;
  Address: string;
}

export interface JournalEntry {
  id: number;
  time: string;
  namespace: string;
  type: 'query' | 'mutation';
  operation_name: string | null;
  operation: string;
  response_key: string;
  email: string | null;
  arguments: unknown;
  variables: unknown;
  scenario: string | null;
  status: number;
  result: unknown;
  error: string | null;
  message_id: string | null;
}

export interface CapturedMessage {
  id: string;
  message_id: string;
  created: string;
  to: Mailbox[];
  subject: string;
  reset_link: string | null;
  token: string | null;
  request: JournalEntry | null;
}

export interface ResetLink {
  /** The link as emailed, e.g. http://localhost:3000/customer/account/createPassword/?email=...&id=1&token=... */
  link: string;
  token: string;
  /** The inbox (Mailpit) id of the email. */
  id: string;
  message: CapturedMessage;
}

export interface ScenarioRule {
  state: string;
  operation?: string;
  email?: string;
  times?: number;
  delay_ms?: number;
}

export interface Rule {
  id: string;
  operation: string | null;
  email: string | null;
  state: string;
  times: number | null;
  uses_left: number | null;
  delay_ms: number | null;
  used: number;
}

export interface JournalFilter {
  operation?: string;
  email?: string;
  after?: number;
  limit?: number;
}

export interface Clock {
  now: string;
  offset_seconds: number;
}

export interface Customer {
  id: number;
  email: string;
  firstname: string;
  lastname: string;
  locked: boolean;
  lock_expires: string | null;
  has_reset_token: boolean;
}

export interface Settings {
  magento_version: string;
  magento_mode: 'default' | 'developer' | 'production';
  throttle: 'magento' | 'off' | 'web-forms';
  enumeration: 'magento' | 'uniform';
}

export type Duration = number | { seconds?: number; minutes?: number; hours?: number; days?: number };

/** The helpers, bound to one namespace ("" is the default one). */
export class MockClient {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly adminUrl: string;
  readonly inboxUrl: string;
  readonly namespaceName: string;
  readonly clock: {
    get(): Promise<Clock>;
    /** Seconds, or { seconds, minutes, hours, days }; negative goes back. */
    advance(by: Duration): Promise<Clock>;
    reset(): Promise<Clock>;
  };
  /** A client on a fresh namespace (or the one named), sharing the server. */
  namespace(name?: string): MockClient;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, options?: GraphQLOptions): Promise<GraphQLResult<T>>;
  graphqlResponse(query: string, variables?: Record<string, unknown>, options?: GraphQLOptions): Promise<Response>;
  /** A control-API call (path under /__admin); throws MockServerError on 4xx/5xx. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** The same, answering the status and the body (parsed when JSON) whatever the status. */
  adminResponse(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** The newest reset email's link; waits (no polling) until one arrives or `timeout` ms pass (default 5000). */
  waitForResetLink(email: string, options?: { timeout?: number }): Promise<ResetLink>;
  scenario(rule: ScenarioRule): Promise<{ id: string; remove(): Promise<void> }>;
  scenarios(): Promise<Rule[]>;
  clearScenarios(): Promise<void>;
  journal(filter?: JournalFilter): Promise<JournalEntry[]>;
  waitForRequest(filter?: JournalFilter, options?: { timeout?: number }): Promise<JournalEntry>;
  createCustomer(customer: { email: string; password: string; firstname?: string; lastname?: string; locked?: boolean }): Promise<Customer>;
  customers(): Promise<Customer[]>;
  lock(email: string, options?: { minutes?: number }): Promise<{ email: string; locked: true; lock_expires: string }>;
  unlock(email: string): Promise<{ email: string; locked: false }>;
  reset(): Promise<{ reset: true; namespace: string }>;
  forget(): Promise<void>;
  /** Mailpit's GET /api/v1/messages for this namespace. */
  messages(): Promise<{ total: number; unread: number; messages_count: number; messages: Array<Record<string, unknown>> }>;
}

/** A started server: the helpers on its default namespace, plus settings and stop(). */
export class MockServer extends MockClient {
  readonly process: ChildProcess;
  /** Where it captures SMTP (a free port), or null with --smtp-listen off. */
  readonly smtp: { host: string; port: number } | null;
  settings(): Promise<Settings>;
  updateSettings(change: Partial<Settings>): Promise<Settings>;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

export class MockServerError extends Error {
  readonly status: number;
  /** The control API's `error`, or the body. */
  readonly reason: string;
  readonly body: string;
}

export class BinaryNotFound extends Error {
  readonly looked: string[];
}

export function startMockServer(options?: StartOptions): Promise<MockServer>;
export function connectMockServer(url: string, options?: { adminToken?: string }): MockClient;
export function findBinary(binary?: string): string;
