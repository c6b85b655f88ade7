/**
 * The transport conformance suite (`@flagline/core/conformance`): what every Flagline transport
 * must guarantee, checked at the Transport seam (execute / history / snapshot / handlers)
 * against a real source of truth. In the style of abstract-level's test suite: the transport
 * author passes their test framework's `describe`/`it` and a harness factory.
 *
 * @example
 * ```ts
 * import { describe, it } from 'node:test'; // or mocha's globals
 * import { runTransportConformance, CONFORMANCE_PARTICIPANTS } from '@flagline/core/conformance';
 * runTransportConformance({
 *   name: 'my transport',
 *   describe,
 *   it,
 *   async createHarness() {
 *     const server = await startMyServer(); // default config, knows CONFORMANCE_PARTICIPANTS
 *     return {
 *       transportFor: (p) => createMyTransport({ url: server.url, token: server.tokenFor(p) }),
 *       dropConnections: () => server.dropAll(),
 *       restart: () => server.restart(),
 *       close: () => server.stop(),
 *     };
 *   },
 * });
 * ```
 */
import { TestContext, type TransportHarness } from './context.js';
import { commandTests } from './suite-commands.js';
import { handoffTests } from './suite-handoff.js';
import { resumeTests } from './suite-resume.js';
import { ruleTests } from './suite-rules.js';

export type { TransportHarness } from './context.js';
export { CONFORMANCE_PARTICIPANTS } from './participants.js';
export { ConformanceError } from './check.js';

export interface ConformanceOptions {
  /** Names the top-level `describe` block, e.g. "memory hub". */
  name: string;
  /** Your framework's `describe` (mocha, node:test, vitest…). */
  describe(name: string, fn: () => void): unknown;
  /** Your framework's `it`; each test is one async function that throws on failure. */
  it(name: string, fn: () => Promise<void>): unknown;
  /**
   * Called once per test: a fresh source of truth (or at least fresh connections to one; the
   * suite uses new random ids in every test, so sharing data between tests is fine). Its
   * configuration must be the default one (DEFAULT_CONFIG: legacy chat off, not in fallback
   * mode, 1000-character messages) and it must authenticate CONFORMANCE_PARTICIPANTS.
   */
  createHarness(): Promise<TransportHarness>;
  /**
   * Which optional tests to register, matching the optional methods your harnesses offer
   * (the suite registers tests before any harness exists). Defaults to none.
   */
  features?: ConformanceFeatures;
  /** How long to wait for an expected delivery before failing. Default 5000 ms; keep your framework's test timeout above it. */
  timeoutMs?: number;
}

export interface ConformanceFeatures {
  dropConnections?: boolean;
  restart?: boolean;
}

/** Registers one conformance test: runs `body` against a fresh harness, always closing it. */
export type Register = (name: string, body: (ctx: TestContext) => Promise<void>) => void;

export function runTransportConformance(options: ConformanceOptions): void {
  const { describe, it, createHarness, timeoutMs = 5000, features = {} } = options;
  const register: Register = (name, body) => {
    it(name, async () => {
      const harness = await createHarness();
      const missing = (['dropConnections', 'restart'] as const).filter((f) => features[f] && !harness[f]);
      const ctx = new TestContext(harness, timeoutMs);
      try {
        if (missing.length) throw new Error(`features declares ${missing.join(', ')} but the harness does not implement it`);
        await body(ctx);
      } finally {
        ctx.closeAll();
        await harness.close();
      }
    });
  };
  describe(`${options.name}: Flagline transport conformance`, () => {
    describe('commands, ordering and idempotency', () => commandTests(register));
    describe('authorization and invalid input', () => ruleTests(register));
    describe('hand-off and check-in', () => handoffTests(register));
    describe('resume, reconnect and restart', () => resumeTests(register, features));
  });
}
