/**
 * /api/api-keys/export and /api/api-keys/import: a person's (or a team's) keys as one
 * passphrase-protected file and back. Rules live in backup/ (personal-export.ts,
 * personal-import.ts); this file reads the request and shapes the answer.
 *
 * The import's body is the file itself (application/octet-stream, up to KEYS_IMPORT_MAX_BYTES:
 * app.ts gives this route its own body limit), so its passphrase travels in a header.
 */
import { Hono, type Context } from "hono";
import type { OwnerRef } from "../../access/owner.js";
import type { Action } from "../../access/policy.js";
import type { KeyFiles } from "../../backup/key-files.js";
import { passphraseFromHeader } from "../../backup/personal-import.js";
import type { KeyService } from "../../keys/key-service.js";
import { RATE_LIMITS, KEY_FILES_PER_MINUTE, type RateLimiter } from "../../limits/rate-limiter.js";
import { AppError } from "../../platform/errors.js";
import { exportKeysBodySchema, importKeysQuerySchema, PASSPHRASE_HEADER } from "../../shared/api-schemas.js";
import type { AppEnv } from "../app-env.js";
import { parseWith, readJson } from "../json-body.js";

export interface KeyFileRoutesDeps {
  keys: Pick<KeyService, "check">;
  keyFiles: KeyFiles;
  rateLimiter: RateLimiter;
}

export function keyFileRoutes(deps: KeyFileRoutesDeps) {
  const { keys, keyFiles, rateLimiter } = deps;
  const app = new Hono<AppEnv>();

  const ownerOf = (c: Context<AppEnv>, teamId: string | undefined): OwnerRef => (teamId !== undefined ? { type: "team", id: teamId } : c.get("owner"));

  // The policy first (a refused caller spends no budget), then the caller's budget: each file
  // costs a key derivation (about a second of CPU and 128 MiB).
  const limitFiles = async (c: Context<AppEnv>, action: Action, owner: OwnerRef) => {
    await keys.check(c.get("actor"), action, owner);
    await rateLimiter.enforce(
      [{ rule: RATE_LIMITS.keyFilePerUser, subject: c.get("owner").id }],
      `Too many key exports and imports (at most ${KEY_FILES_PER_MINUTE} per minute)`,
    );
  };

  app.post("/export", async (c) => {
    const body = await readJson(c, exportKeysBodySchema);
    const owner = ownerOf(c, body.teamId);
    await limitFiles(c, "key.reveal", owner);
    const file = await keyFiles.export(c.get("actor"), owner, body.passphrase);
    const date = file.createdAt.toISOString().slice(0, 10);
    return c.body(new Uint8Array(file.bytes), 200, {
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="keyhaven-keys-${date}.khbk"`,
      "cache-control": "no-store",
    });
  });

  app.post("/import", async (c) => {
    const query = parseWith(importKeysQuerySchema, c.req.query(), "query");
    const owner = ownerOf(c, query.teamId);
    await limitFiles(c, "key.create", owner);
    if (!/^application\/octet-stream\b/i.test(c.req.header("content-type") ?? "")) {
      throw new AppError("VALIDATION_ERROR", "Content-Type must be application/octet-stream: send the exported file as the body", {
        details: [{ path: "content-type", message: "must be application/octet-stream" }],
      });
    }
    const passphrase = c.req.header(PASSPHRASE_HEADER);
    if (!passphrase) {
      throw new AppError("VALIDATION_ERROR", `Send the file's passphrase in the ${PASSPHRASE_HEADER} header`, {
        details: [{ path: PASSPHRASE_HEADER, message: "is required" }],
      });
    }
    const file = new Uint8Array(await c.req.arrayBuffer());
    return c.json(await keyFiles.import(c.get("actor"), owner, file, passphraseFromHeader(passphrase), { dryRun: query.dryRun }));
  });

  return app;
}
