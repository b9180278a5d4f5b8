/**
 * The layer boundaries in eslint.config.js: snippets linted as if they were files in each
 * folder must fail where an import crosses a boundary, and pass where it does not. The real
 * config is used with type-aware linting switched off (the boundary rule needs no types),
 * which keeps this quick.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const eslint = new ESLint({ cwd: ROOT, overrideConfig: tseslint.configs.disableTypeChecked });

/** The boundary errors for `code` linted as the file at `file` (relative to the repository). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  expect(fatal, `${file} did not parse`).toEqual([]);
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports" && m.severity === 2).map((m) => m.message);
}

const DOMAINS = ["auth", "keys", "services", "usage", "limits", "key-test", "provider", "access", "tokens", "teams", "audit", "gateway", "backup"];

describe("layer boundaries", () => {
  it.each(DOMAINS)("src/%s/ must not import src/http/ or the HTTP framework", async (domain) => {
    const file = `src/${domain}/x.ts`;
    for (const code of [
      `import { createApp } from "../http/app.js";`,
      `import type { AppEnv } from "../http/app-env.js";`,
      `export { keyRoutes } from "../http/routes/keys.js";`,
      `import { Hono } from "hono";`,
      `import type { Context } from "hono";`,
      `import { bodyLimit } from "hono/body-limit";`,
      `import { serve } from "@hono/node-server";`,
    ]) {
      expect(await boundaryErrors(file, code), `${file}: ${code}`).toHaveLength(1);
    }
  });

  it("a domain may import db/, crypto/, shared/, platform/ and other domains", async () => {
    const code = [
      `import type { Database } from "../db/schema.js";`,
      `import { Kysely } from "kysely";`,
      `import { encryptSecret } from "../crypto/secret-box.js";`,
      `import { EXPIRING_SOON_MS } from "../shared/expiry.js";`,
      `import { AppError } from "../platform/errors.js";`,
      `import type { OwnerRef } from "../access/owner.js";`,
      `import { helper } from "./helper.js";`,
    ].join("\n");
    expect(await boundaryErrors("src/keys/x.ts", code)).toEqual([]);
    expect(await boundaryErrors("src/keys/nested/x.ts", code.replaceAll('"../', '"../../'))).toEqual([]);
  });

  it("src/http/ may import hono and the domains", async () => {
    const code = `import { Hono } from "hono";\nimport { createKeyService } from "../keys/key-service.js";`;
    expect(await boundaryErrors("src/http/x.ts", code)).toEqual([]);
  });

  it("src/crypto/ must not import src/db/ or a database driver", async () => {
    for (const code of [
      `import type { ApiKeyRow } from "../db/schema.js";`,
      `import { Kysely } from "kysely";`,
      `import pg from "pg";`,
      `import SQLite from "better-sqlite3";`,
    ]) {
      expect(await boundaryErrors("src/crypto/x.ts", code), code).toHaveLength(1);
    }
    expect(await boundaryErrors("src/crypto/x.ts", `import crypto from "node:crypto";\nimport { canonicalDigest } from "./canonical-json.js";`)).toEqual([]);
  });

  it("src/shared/ imports only itself and zod", async () => {
    for (const code of [
      `import { AppError } from "../platform/errors.js";`,
      `import type { ApiKeyRow } from "../db/schema.js";`,
      `import crypto from "node:crypto";`,
      `import { Hono } from "hono";`,
    ]) {
      expect(await boundaryErrors("src/shared/x.ts", code), code).toHaveLength(1);
    }
    expect(await boundaryErrors("src/shared/x.ts", `import { z } from "zod";\nimport { EXPIRING_SOON_MS } from "./expiry.js";`)).toEqual([]);
  });

  it("web/ must not import server-only code from src/", async () => {
    expect(await boundaryErrors("web/src/x.ts", `import { createKeyService } from "../../src/keys/key-service.js";`)).toHaveLength(1);
    expect(await boundaryErrors("web/src/lib/x.ts", `import { loadConfig } from "../../../src/platform/config.js";`)).toHaveLength(1);
    expect(await boundaryErrors("web/src/pages/x.tsx", `import type { ApiKeyRow } from "../../../src/db/schema.js";`)).toHaveLength(1);
    const allowed = [
      `import { EXPIRING_SOON_MS } from "../../src/shared/expiry.js";`,
      `import { createKeyhavenClient } from "../../src/react/index.js";`,
      `import { useState } from "react";`,
      `import { keyStatus } from "./lib/key-status";`,
    ].join("\n");
    expect(await boundaryErrors("web/src/x.ts", allowed)).toEqual([]);
  });

  it("the library entry (src/index.ts) must not import better-auth", async () => {
    expect(await boundaryErrors("src/index.ts", `import { betterAuth } from "better-auth";`)).toHaveLength(1);
    expect(await boundaryErrors("src/index.ts", `import { memoryAdapter } from "better-auth/adapters/memory";`)).toHaveLength(1);
    expect(await boundaryErrors("src/index.ts", `export { createKeyhaven } from "./provider/index.js";`)).toEqual([]);
  });
});
