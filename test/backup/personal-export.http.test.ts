/**
 * POST /api/api-keys/export and /import through the real app on both databases: a round trip
 * between two people (values equal, duplicates skipped, bad keys refused with their reason,
 * dryRun writes nothing), a team's keys (its admin exports a use-only key; a member gets 403
 * and not a byte of it), wrong passphrases and damaged files (400, nothing written), the audit
 * events, and no value or passphrase in the log.
 */
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { encodeRecords, type BackupDataRecord } from "../../src/backup/backup-records.js";
import { createBackupEncryptor } from "../../src/crypto/backup-stream.js";
import { KEYS_IMPORT_MAX_BYTES, PASSPHRASE_HEADER } from "../../src/shared/api-schemas.js";
import { describeEachDatabase } from "../support/databases.js";
import { anthropicKey, createHttpApp, expectError, jsonOf, openaiKey, type HttpApp, type SignedUpUser } from "../support/http-app.js";
import { addMember, createTeam, createTeamKey } from "../support/teams.js";
import { bearerHeader } from "../support/tokens.js";

const PASSPHRASE = "a long export passphrase";
const WRONG_PASSPHRASE = "not the export passphrase";
const WRONG_OR_DAMAGED = "Wrong passphrase, or the file is damaged";

const awsValue = () => ({
  accessKeyId: `AKIA${randomBytes(12).toString("hex").toUpperCase().slice(0, 16)}`,
  secretAccessKey: randomBytes(30).toString("base64"),
});

/** A keys file written here rather than by the server: records the export never writes (cheap key derivation). */
async function craftFile(passphrase: string, records: BackupDataRecord[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await pipeline(
    encodeRecords(records, { source: { dialect: "sqlite", keyhavenVersion: "test" } }),
    createBackupEncryptor(passphrase, { kdf: { log2N: 10, r: 8, p: 1 } }),
    sink,
  );
  return Buffer.concat(chunks);
}

describeEachDatabase("personal export and import", (dialect) => {
  let h: HttpApp;
  /** Every secret this file handles: none may ever reach the log. */
  const secrets: string[] = [PASSPHRASE, WRONG_PASSPHRASE];

  beforeAll(async () => {
    h = await createHttpApp(dialect, { logLevel: "debug" });
  });
  afterAll(() => h?.close());

  const exportKeys = (user: SignedUpUser, body: Record<string, unknown>, headers?: Record<string, string>) =>
    h.request("POST", "/api/api-keys/export", { cookie: headers ? undefined : user.cookie, body, headers });

  async function exportFile(user: SignedUpUser, body: Record<string, unknown> = { passphrase: PASSPHRASE }): Promise<Buffer> {
    const res = await exportKeys(user, body);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.status, bytes.toString("utf8").slice(0, 300)).toBe(200);
    return bytes;
  }

  const importFile = (user: SignedUpUser, file: Uint8Array, opts: { passphrase?: string; query?: string; headers?: Record<string, string> } = {}) =>
    h.app.request(`/api/api-keys/import${opts.query ?? "?dryRun=false"}`, {
      method: "POST",
      headers: {
        origin: h.publicUrl,
        // With a token's Authorization header, no session: the token is the caller.
        ...(opts.headers?.authorization ? {} : { cookie: user.cookie }),
        "content-type": "application/octet-stream",
        [PASSPHRASE_HEADER]: opts.passphrase ?? PASSPHRASE,
        ...opts.headers,
      },
      body: new Uint8Array(file),
    });

  const listKeys = async (user: SignedUpUser, teamId?: string) =>
    (await jsonOf(await h.request("GET", `/api/api-keys?limit=500${teamId ? `&teamId=${teamId}` : ""}`, { cookie: user.cookie }), 200)).apiKeys as any[];
  const reveal = async (user: SignedUpUser, id: string) =>
    jsonOf(await h.request("GET", `/api/api-keys/${id}?includeValue=true`, { cookie: user.cookie }), 200);
  const auditEvents = async (user: SignedUpUser, action: string, teamId?: string) =>
    (await jsonOf(await h.request("GET", `/api/audit?action=${action}${teamId ? `&teamId=${teamId}` : ""}`, { cookie: user.cookie }), 200)).events as any[];

  it("round trip between two people: values and fields equal, a taken name skipped, dryRun writes nothing, both audited", async () => {
    const [alice, bob] = [await h.signUp(), await h.signUp()];
    const values = { prod: openaiKey(), ci: anthropicKey(), aws: awsValue(), bobCi: anthropicKey() };
    secrets.push(values.prod, values.ci, values.aws.secretAccessKey, values.bobCi);
    const prod = await h.createKey(alice, {
      name: "prod",
      service: "openai",
      value: values.prod,
      description: "the production key",
      isDefault: true,
      expiresAt: "2099-01-01T00:00:00.000Z",
    });
    await jsonOf(await h.request("PUT", `/api/api-keys/${prod.id}`, { cookie: alice.cookie, body: { rotation: { everyDays: 90 } } }), 200);
    await h.createKey(alice, { name: "ci", service: "anthropic", value: values.ci, isActive: false });
    await h.createKey(alice, { name: "aws", service: "aws", value: values.aws, config: { region: "eu-west-1" } });
    // Bob has a key named like one of Alice's, with a value of his own: it stays his.
    const bobsOwn = await h.createKey(bob, { name: "ci", service: "anthropic", value: values.bobCi });

    const res = await exportKeys(alice, { passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="keyhaven-keys-\d{4}-\d{2}-\d{2}\.khbk"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const file = Buffer.from(await res.arrayBuffer());
    expect(file.subarray(0, 4).toString("latin1")).toBe("KHBK");
    for (const value of [values.prod, values.ci, values.aws.secretAccessKey]) expect(file.includes(value)).toBe(false);

    const exported = await auditEvents(alice, "backup.export");
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ actor: { type: "user", id: alice.id }, details: { count: 3 } });

    const expected = {
      created: expect.arrayContaining([
        { name: "prod", service: "openai" },
        { name: "aws", service: "aws" },
      ]),
      skipped: [{ name: "ci", service: "anthropic", reason: "duplicate name" }],
      refused: [],
    };
    const preview = await jsonOf(await importFile(bob, file, { query: "?dryRun=true" }), 200);
    expect(preview).toEqual(expected);
    expect(preview.created).toHaveLength(2);
    expect((await listKeys(bob)).map((k) => k.id)).toEqual([bobsOwn.id]);
    expect(await auditEvents(bob, "backup.import")).toEqual([]);
    expect(await auditEvents(bob, "key.create")).toHaveLength(1);

    expect(await jsonOf(await importFile(bob, file), 200)).toEqual(expected);
    const bobs = await listKeys(bob);
    expect(bobs).toHaveLength(3);
    const byName = Object.fromEntries(bobs.map((k) => [k.name, k]));
    expect((await reveal(bob, byName.prod.id)).value).toBe(values.prod);
    expect((await reveal(bob, byName.aws.id)).value).toEqual(values.aws);
    expect((await reveal(bob, byName.ci.id)).value).toBe(values.bobCi);
    expect(byName.prod).toMatchObject({
      description: "the production key",
      isDefault: true,
      isActive: true,
      expiresAt: "2099-01-01T00:00:00.000Z",
      rotation: { everyDays: 90 },
    });
    expect(byName.aws).toMatchObject({ config: { region: "eu-west-1" }, isDefault: false });

    const imported = await auditEvents(bob, "backup.import");
    expect(imported).toHaveLength(1);
    expect(imported[0]).toMatchObject({ actor: { type: "user", id: bob.id }, details: { created: 2, skipped: 1, refused: 0 } });
    expect(await auditEvents(bob, "key.create")).toHaveLength(3);

    // Again: everything is there already.
    const again = await jsonOf(await importFile(bob, file), 200);
    expect(again.created).toEqual([]);
    expect(again.skipped).toHaveLength(3);
    expect(await listKeys(bob)).toHaveLength(3);
  });

  it("refuses keys the key service would refuse, each with its reason (never the value); duplicates in the file are skipped", async () => {
    const carol = await h.signUp();
    const good = anthropicKey();
    secrets.push(good, "sk-not-a-key-value");
    const header = { kind: "keyhaven-keys", format: 1, exportedAt: new Date().toISOString(), count: 6 };
    const key = (fields: Record<string, unknown>) => ({ kind: "key", description: null, config: {}, isActive: true, isDefault: false, expiresAt: null, rotation: { everyDays: null }, ...fields });
    const file = await craftFile(PASSPHRASE, [
      header,
      key({ name: "good", service: "anthropic", value: good }),
      key({ name: "good", service: "anthropic", value: anthropicKey() }),
      key({ name: "bad format", service: "openai", value: "sk-not-a-key-value" }),
      key({ name: "unknown", service: "nosuch", value: "x" }),
      key({ name: "expired", service: "anthropic", value: anthropicKey(), expiresAt: "2020-01-01T00:00:00.000Z" }),
      { kind: "key", service: "openai", value: openaiKey() },
    ]);
    const report = await jsonOf(await importFile(carol, file), 200);
    expect(report.created).toEqual([{ name: "good", service: "anthropic" }]);
    expect(report.skipped).toEqual([{ name: "good", service: "anthropic", reason: "duplicate name" }]);
    expect(report.refused).toEqual([
      { name: "bad format", service: "openai", reason: expect.stringMatching(/^Invalid API key format/) },
      { name: "unknown", service: "nosuch", reason: expect.stringMatching(/^Invalid key: service: Unknown service; expected one of: /) },
      { name: "expired", service: "anthropic", reason: "expiresAt must be in the future" },
      { name: "", service: "openai", reason: "not a key record this version reads" },
    ]);
    expect(JSON.stringify(report)).not.toContain("sk-not-a-key-value");
    const keys = await listKeys(carol);
    expect(keys).toHaveLength(1);
    expect((await reveal(carol, keys[0].id)).value).toBe(good);
  });

  it("a wrong passphrase, a damaged, cut or foreign file: 400 with what is wrong, nothing written, no event", async () => {
    const [dave, erin] = [await h.signUp(), await h.signUp()];
    const value = openaiKey();
    secrets.push(value);
    await h.createKey(dave, { name: "k", service: "openai", value });
    const file = await exportFile(dave);

    await expectError(await importFile(erin, file, { passphrase: WRONG_PASSPHRASE }), 400, { code: "VALIDATION_ERROR", message: WRONG_OR_DAMAGED });
    const tampered = Buffer.from(file);
    tampered[tampered.length - 20] ^= 0x01;
    await expectError(await importFile(erin, tampered), 400, { code: "VALIDATION_ERROR", message: WRONG_OR_DAMAGED });
    await expectError(await importFile(erin, file.subarray(0, file.length - 5)), 400, { code: "VALIDATION_ERROR", message: WRONG_OR_DAMAGED });
    await expectError(await importFile(erin, file.subarray(0, 30)), 400, { code: "VALIDATION_ERROR", message: /^The backup file is incomplete/ });
    await expectError(await importFile(erin, randomBytes(100 * 1024)), 400, { code: "VALIDATION_ERROR", message: /not a Keyhaven backup file/ });
    const snapshot = await craftFile(PASSPHRASE, [{ kind: "snapshot", format: 1 }]);
    await expectError(await importFile(erin, snapshot), 400, { code: "VALIDATION_ERROR", message: /backup of a whole instance/ });
    await expectError(await importFile(erin, file, { headers: { "content-type": "application/json" } }), 400, {
      code: "VALIDATION_ERROR",
      message: /^Content-Type must be application\/octet-stream/,
      details: [{ path: "content-type", message: "must be application/octet-stream" }],
    });
    await expectError(await importFile(erin, file, { passphrase: "" }), 400, {
      code: "VALIDATION_ERROR",
      message: `Send the file's passphrase in the ${PASSPHRASE_HEADER} header`,
      details: [{ path: PASSPHRASE_HEADER, message: "is required" }],
    });
    await expectError(await importFile(erin, Buffer.alloc(KEYS_IMPORT_MAX_BYTES + 1)), 413, { code: "PAYLOAD_TOO_LARGE", message: "The file is larger than 8 MiB" });

    expect(await listKeys(erin)).toEqual([]);
    expect(await auditEvents(erin, "backup.import")).toEqual([]);
    expect(await auditEvents(erin, "key.create")).toEqual([]);
  });

  it("a passphrase under 12 characters is 400 before anything is read or recorded", async () => {
    const frank = await h.signUp();
    await h.createKey(frank, { name: "k", service: "openai", value: openaiKey() });
    await expectError(await exportKeys(frank, { passphrase: "short pass" }), 400, {
      code: "VALIDATION_ERROR",
      message: "The backup passphrase must be at least 12 characters long",
    });
    await expectError(await exportKeys(frank, {}), 400, { code: "VALIDATION_ERROR", message: "Invalid request: passphrase is required", details: [{ path: "passphrase", message: "is required" }] });
    expect(await auditEvents(frank, "backup.export")).toEqual([]);

    // Any characters: the header carries the passphrase's UTF-8 bytes (as curl sends them).
    const unicode = "pässphrase ünïcode ✓";
    secrets.push(unicode);
    const file = await exportFile(frank, { passphrase: unicode });
    const asHeader = Buffer.from(unicode, "utf8").toString("latin1");
    expect(await jsonOf(await importFile(frank, file, { passphrase: asHeader, query: "?dryRun=true" }), 200)).toEqual({
      created: [],
      skipped: [{ name: "k", service: "openai", reason: "duplicate name" }],
      refused: [],
    });
  });

  it("a token exports with keys:reveal and imports with keys:write; without them it is 403", async () => {
    const gina = await h.signUp();
    const value = openaiKey();
    secrets.push(value);
    await h.createKey(gina, { name: "k", service: "openai", value });
    const token = async (scopes: string[]) =>
      (await jsonOf(await h.request("POST", "/api/tokens", { cookie: gina.cookie, body: { name: `t-${scopes.join("-")}`, scopes } }), 201)).token as string;
    const [reader, revealer] = [await token(["keys:read", "keys:write"]), await token(["keys:reveal"])];
    secrets.push(reader, revealer);

    const refused = await exportKeys(gina, { passphrase: PASSPHRASE }, bearerHeader(reader));
    const text = await expectError(refused, 403, { code: "FORBIDDEN", message: "This token lacks the keys:reveal scope" });
    expect(text).not.toContain(value);
    const ok = await exportKeys(gina, { passphrase: PASSPHRASE }, bearerHeader(revealer));
    expect(ok.status).toBe(200);
    const file = Buffer.from(await ok.arrayBuffer());
    const events = await auditEvents(gina, "backup.export");
    expect(events[0]).toMatchObject({ actor: { type: "token" }, details: { count: 1 } });

    await expectError(await importFile(gina, file, { headers: bearerHeader(revealer) }), 403, {
      code: "FORBIDDEN",
      message: "This token lacks the keys:write scope",
    });
    const report = await jsonOf(await importFile(gina, file, { headers: bearerHeader(reader) }), 200);
    expect(report).toEqual({ created: [], skipped: [{ name: "k", service: "openai", reason: "duplicate name" }], refused: [] });
  });

  it("a team: its admin exports a use-only key (audited with the team); a member is 403 and gets none of it", async () => {
    const [owner, admin, member, other] = [await h.signUp(), await h.signUp(), await h.signUp(), await h.signUp()];
    const team = await createTeam(h, owner);
    await addMember(h, owner, team.id, admin, "admin");
    await addMember(h, owner, team.id, member, "member");
    const value = openaiKey();
    secrets.push(value);
    await createTeamKey(h, owner, team.id, { name: "shared", service: "openai", value }, "use");

    const refused = await exportKeys(member, { passphrase: PASSPHRASE, teamId: team.id });
    const text = await expectError(refused, 403, { code: "FORBIDDEN", message: "You can use this key; only the team's owners and admins can see or change it" });
    expect(text).not.toContain(value);
    await expectError(await exportKeys(other, { passphrase: PASSPHRASE, teamId: team.id }), 404, { code: "NOT_FOUND", message: "Team not found" });

    const file = await exportFile(admin, { passphrase: PASSPHRASE, teamId: team.id });
    const events = await auditEvents(owner, "backup.export", team.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: { type: "user", id: admin.id }, details: { count: 1, teamId: team.id } });

    // A member cannot import into the team; the admin can bring the key into their own account.
    await expectError(await importFile(member, file, { query: `?teamId=${team.id}` }), 403, { code: "FORBIDDEN", message: "Your role in this team (member) does not allow that" });
    expect(await jsonOf(await importFile(admin, file), 200)).toEqual({ created: [{ name: "shared", service: "openai" }], skipped: [], refused: [] });
    const mine = await listKeys(admin);
    expect((await reveal(admin, mine[0].id)).value).toBe(value);

    // Into a second team of the owner's: created as team keys, shared use-only.
    const second = await createTeam(h, owner);
    expect((await jsonOf(await importFile(owner, file, { query: `?dryRun=false&teamId=${second.id}` }), 200)).created).toHaveLength(1);
    const teamKeys = await listKeys(owner, second.id);
    expect(teamKeys).toMatchObject([{ name: "shared", teamId: second.id, sharing: "use" }]);
    const imported = await auditEvents(owner, "backup.import", second.id);
    expect(imported[0]).toMatchObject({ details: { created: 1, teamId: second.id } });
  });

  it("no value or passphrase ever reaches the log", () => {
    expect(h.logs.length).toBeGreaterThan(0);
    const log = h.logs.join("\n");
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});

describeEachDatabase("personal import against the key limit and existing defaults", (dialect) => {
  let h: HttpApp;
  beforeAll(async () => {
    h = await createHttpApp(dialect, { env: { KEYHAVEN_MAX_KEYS_PER_OWNER: "3" } });
  });
  afterAll(() => h?.close());

  it("keys over the limit are refused with its reason (the preview cannot know it); an imported default leaves yours in place", async () => {
    const hank = await h.signUp();
    const mine = await h.createKey(hank, { name: "mine", service: "openai", value: openaiKey(), isDefault: true });
    const key = (name: string, service: string, value: string, isDefault: boolean) => ({ kind: "key", name, service, value, isDefault });
    const file = await craftFile(PASSPHRASE, [
      { kind: "keyhaven-keys", format: 1, exportedAt: new Date().toISOString(), count: 4 },
      key("a", "openai", openaiKey(), true),
      key("b", "anthropic", anthropicKey(), true),
      key("c", "anthropic", anthropicKey(), false),
      key("d", "openai", openaiKey(), false),
    ]);
    const send = (dryRun: boolean) =>
      h.app.request(`/api/api-keys/import?dryRun=${dryRun}`, {
        method: "POST",
        headers: { origin: h.publicUrl, cookie: hank.cookie, "content-type": "application/octet-stream", [PASSPHRASE_HEADER]: PASSPHRASE },
        body: new Uint8Array(file),
      });

    expect((await jsonOf(await send(true), 200)).created).toHaveLength(4);
    const limit = "You have reached the limit of 3 API keys; delete one first";
    expect(await jsonOf(await send(false), 200)).toEqual({
      created: [
        { name: "a", service: "openai" },
        { name: "b", service: "anthropic" },
      ],
      skipped: [],
      refused: [
        { name: "c", service: "anthropic", reason: limit },
        { name: "d", service: "openai", reason: limit },
      ],
    });
    const keys = (await jsonOf(await h.request("GET", "/api/api-keys", { cookie: hank.cookie }), 200)).apiKeys as any[];
    const byName = Object.fromEntries(keys.map((k) => [k.name, k]));
    expect(Object.keys(byName).sort()).toEqual(["a", "b", "mine"]);
    expect(byName.mine).toMatchObject({ id: mine.id, isDefault: true });
    expect(byName.a.isDefault).toBe(false);
    expect(byName.b.isDefault).toBe(true);
  });
});
