/**
 * Fuzz the auth body routes, lightly (the key routes are the requirement): sign-in, sign-up and
 * update-user with malformed bodies, each from its own forwarded client address.
 */
import { it } from "vitest";
import { describeEachDatabase } from "../../support/databases.js";
import { fuzzCount, fuzzSeed, jsonBodyParts, str, type BodySpec, type Rng } from "./generate.js";
import { expectClean, expectStillServing, runFuzz, useFuzzTarget, type FuzzRoute } from "./harness.js";

const EMAILS = ["fuzz@example.com", "FUZZ@EXAMPLE.COM", " fuzz@example.com ", "a@b", "@example.com", "a@", "a..b@example.com", "a@[127.0.0.1]", "\"q\"@example.com", "ü@exämple.com", "a+tag@example.com"].map(str);
const BAD_EMAILS = ["", "not-an-email", "a@b\u0000.com", "a\r\n@example.com", "a".repeat(300) + "@example.com", "a@" + "b".repeat(300) + ".com", "\ud800@example.com"].map(str);
const PASSWORDS = [str("correct horse battery staple"), str("wrong-password-123")];
const BAD_PASSWORDS = ["", "short", "p".repeat(200), "pass\u0000word12345", "\ud800\ud800\ud800\ud800\ud800\ud800\ud800\ud800"].map(str);
const NAMES = [str("Fuzz"), str("名前"), str("  spaced  ")];
const BAD_NAMES = ["", "\u0000", "n".repeat(10_000), "\u001b[2Jname", "\u202eeman"].map(str);
const IMAGES = ["null", str("https://example.com/a.png")];
const BAD_IMAGES = ["javascript:alert(1)", "data:text/html,<script>", "i".repeat(5000), "http://\u0000"].map(str);
const URLS = [str("/"), str("http://localhost:3000/keys")];
const BAD_URLS = ["https://evil.example/", "//evil.example", "javascript:alert(1)", "/\u0000", "\\\\evil"].map(str);

const SIGN_IN: BodySpec = {
  email: { required: true, good: EMAILS, bad: BAD_EMAILS },
  password: { required: true, good: PASSWORDS, bad: BAD_PASSWORDS },
  rememberMe: { good: ["true", "false"], bad: ['"yes"', "1", "null"] },
  callbackURL: { good: URLS, bad: BAD_URLS },
};
const SIGN_UP: BodySpec = {
  email: { required: true, good: EMAILS, bad: BAD_EMAILS },
  password: { required: true, good: PASSWORDS, bad: BAD_PASSWORDS },
  name: { required: true, good: NAMES, bad: BAD_NAMES },
  image: { good: IMAGES, bad: BAD_IMAGES },
  callbackURL: { good: URLS, bad: BAD_URLS },
};
const UPDATE_USER: BodySpec = {
  name: { good: NAMES, bad: BAD_NAMES },
  image: { good: IMAGES, bad: BAD_IMAGES },
  email: { good: [], bad: EMAILS },
  emailVerified: { good: [], bad: ["true"] },
  id: { good: [], bad: [str("someone-else")] },
};

const forwardedFor = (rng: Rng) => `203.0.${rng.int(256)}.${rng.int(256)}`;

/** `share` of FUZZ_COUNT: sign-in hashes a password for nearly every well-formed body, so it gets fewer. */
function authRoute(path: string, spec: BodySpec, share: number): FuzzRoute & { share: number } {
  return {
    share,
    name: `POST ${path}`,
    generate(rng) {
      const parts = jsonBodyParts(rng, spec);
      return { method: "POST", path, ...parts, headers: { ...parts.headers, "x-forwarded-for": forwardedFor(rng) } };
    },
  };
}

const ROUTES = [
  authRoute("/api/auth/sign-in/email", SIGN_IN, 0.1),
  authRoute("/api/auth/sign-up/email", SIGN_UP, 0.125),
  authRoute("/api/auth/update-user", UPDATE_USER, 0.125),
];

describeEachDatabase("fuzz auth body routes", (dialect) => {
  const target = useFuzzTarget(dialect);
  for (const route of ROUTES) {
    it(`${route.name}: no 5xx, every error in our shape and small`, { timeout: 180_000 }, async () => {
      const report = await runFuzz(target.get(), route, { seed: fuzzSeed(), count: Math.ceil(fuzzCount() * route.share) });
      expectClean(report);
    });
  }
  it("still serving after the auth fuzz", async () => {
    await expectStillServing(target.get());
  });
});
