/**
 * requireUser when better-auth's start fails: that request fails, and the next one starts
 * again and succeeds (the failure used to be cached for the life of the process).
 */
import { Hono } from "hono";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createAuth } from "../../src/auth/auth.js";
import { requireUser } from "../../src/http/middleware/session.js";
import type { AppEnv } from "../../src/http/app-env.js";
import { errorResponse, toAppError } from "../../src/http/error-response.js";
import { describeEachDatabase } from "../support/databases.js";
import { createHttpApp, type HttpApp, type SignedUpUser } from "../support/http-app.js";

describeEachDatabase("requireUser after a failed better-auth start", (dialect) => {
  let h: HttpApp;
  let alice: SignedUpUser;

  beforeAll(async () => {
    h = await createHttpApp(dialect);
    alice = await h.signUp();
  });
  afterAll(() => h?.close());

  it("the first request fails, the second one starts again and answers the user", async () => {
    const { config, logger, database, authSecret, admins, teams } = h.runtime;
    const auth = createAuth({ config, database, secret: authSecret, logger, admins, teams });
    // better-auth as it would look if its start had failed once (the database away for a moment).
    let starts = 0;
    const flaky = new Proxy(auth, {
      get(target, prop, receiver) {
        if (prop === "$context") {
          starts += 1;
          if (starts === 1) return Promise.reject(new Error("database unavailable"));
        }
        return Reflect.get(target, prop, receiver);
      },
    });

    const app = new Hono<AppEnv>();
    app.use("/me", requireUser(flaky, database));
    app.get("/me", (c) => c.json({ id: c.get("user").id }));
    app.onError((err, c) => errorResponse(c, toAppError(err)));
    const me = () => app.request("/me", { headers: { cookie: alice.cookie } });

    expect((await me()).status).toBe(500);
    const second = await me();
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ id: alice.id });
    expect(starts).toBe(2);
    // Started once for good: later requests do not start again.
    expect((await me()).status).toBe(200);
    expect(starts).toBe(2);
  });
});
