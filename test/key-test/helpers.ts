import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { AppError } from "../../src/platform/errors.js";
import { createKeyTester, type KeyTester, type KeyTestResult } from "../../src/key-test/index.js";
import type { ServiceId } from "../../src/services/index.js";
import { FAKE_OUTCOMES, fakeBaseUrlOverrides, fakeKey, startFakeProvider, type FakeOutcome, type FakeProvider } from "../support/fake-provider.js";

export const SERVICES: readonly ServiceId[] = ["openai", "anthropic", "google", "groq", "xai", "aws", "custom"];

/** A key tester that sends every service (and plain http on 127.0.0.1) to the fake provider at `fakeUrl`. */
export function testerAgainst(fakeUrl: string, timeoutMs = 5_000): KeyTester {
  return createKeyTester({ baseUrlOverrides: fakeBaseUrlOverrides(fakeUrl), allowPrivateEndpoints: true, allowHttpHosts: ["127.0.0.1"], timeoutMs });
}

/**
 * Registers the file's hooks: a fake provider started once, a `testerAgainst` it, and an empty
 * request log before each test. The fields are set in beforeAll, so read them inside tests.
 */
export function useTesterOnFake(): { fake: FakeProvider; tester: KeyTester } {
  const env = {} as { fake: FakeProvider; tester: KeyTester };
  beforeAll(async () => {
    env.fake = await startFakeProvider();
    env.tester = testerAgainst(env.fake.url);
  });
  afterAll(() => env.fake?.close());
  beforeEach(() => {
    env.fake.requests.length = 0;
  });
  return env;
}

/** Every string of a key that must never show up in a message. */
export function secretsOf(value: unknown): string[] {
  if (typeof value === "string") return [value];
  const v = value as { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  return [v.accessKeyId, v.secretAccessKey, v.sessionToken].filter((s): s is string => !!s);
}

/**
 * The message must not quote a secret, in whole or in any 8-character piece (case ignored).
 * Pieces of the outcome word a fake key carries ("redirect") are vocabulary, not secret.
 */
export function expectNoSecretIn(text: string, value: unknown): void {
  const lower = text.toLowerCase();
  for (const secret of secretsOf(value)) {
    expect(text).not.toContain(secret);
    for (let i = 0; i + 8 <= secret.length; i++) {
      const piece = secret.slice(i, i + 8).toLowerCase();
      if (FAKE_OUTCOMES.some((word) => word.includes(piece))) continue;
      expect(lower, `leaks "${piece}"`).not.toContain(piece);
    }
  }
}

export function expectResultShape(result: KeyTestResult): void {
  expect(Object.keys(result).sort()).toEqual(["latencyMs", "message", "status", "success", "testedAt"]);
  expect(result.success).toBe(result.status === "valid");
  expect(Number.isInteger(result.latencyMs) && result.latencyMs >= 0).toBe(true);
  expect(new Date(result.testedAt).toISOString()).toBe(result.testedAt);
}

/** The key and config a test sends for `service`, against a fake provider at `fakeUrl`. */
export function keyFor(service: ServiceId, outcome: FakeOutcome, fakeUrl: string): { value: unknown; config: unknown } {
  const value = fakeKey(service, outcome);
  if (service === "custom") return { value, config: { baseUrl: `${fakeUrl}/custom` } };
  if (service === "aws") return { value, config: { region: "eu-west-1" } };
  return { value, config: undefined };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function expectAppError(promise: Promise<unknown>, code: AppError["code"]): Promise<AppError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected an AppError").toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe(code);
  return caught as AppError;
}
