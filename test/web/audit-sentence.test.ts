/**
 * Every action in the log reads as a sentence of its own (no generic fallback), names are
 * marked for emphasis, and what is unknown (a deleted key's name, a future action) still reads.
 */
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS, AUDIT_ACTION_GROUPS } from "../../src/shared/audit-actions.js";
import { AUDIT_ACTIONS as SERVER_ACTIONS } from "../../src/audit/audit-types.js";
import { auditSentence, auditSentenceText, hasAuditSentence, type AuditSentenceEvent } from "../../src/shared/audit-sentence.js";

const ada = { type: "user" as const, id: "u1", label: "Ada" };
const key = { type: "key", id: "key_1", label: "My OpenAI Key" };
const ev = (action: string, over: Partial<AuditSentenceEvent> = {}): AuditSentenceEvent => ({
  action,
  actor: ada,
  target: key,
  ip: "203.0.113.4",
  details: {},
  ...over,
});

/** One event per action and the sentence it must read as. */
const EXPECTED: Record<(typeof AUDIT_ACTIONS)[number], [AuditSentenceEvent, string]> = {
  "auth.sign_in": [ev("auth.sign_in", { target: { type: "user", id: "u1", label: "ada@example.com" } }), "Ada signed in from 203.0.113.4"],
  "auth.sign_in_failed": [
    ev("auth.sign_in_failed", { actor: { type: "user", id: "unknown", label: "ada@example.com" }, target: { type: "user", id: "u1", label: "ada@example.com" } }),
    "Failed sign-in for ada@example.com from 203.0.113.4",
  ],
  "auth.sign_out": [ev("auth.sign_out", { ip: null }), "Ada signed out"],
  "key.create": [ev("key.create", { details: { service: "openai" } }), "Ada added My OpenAI Key (openai) from 203.0.113.4"],
  "key.update": [ev("key.update", { details: { fields: ["name", "expiresAt"] } }), "Ada changed the name, expiry date of My OpenAI Key from 203.0.113.4"],
  "key.delete": [ev("key.delete", { details: { service: "openai" } }), "Ada deleted My OpenAI Key from 203.0.113.4"],
  "key.reveal": [ev("key.reveal"), "Ada revealed My OpenAI Key from 203.0.113.4"],
  "key.test": [ev("key.test", { details: { status: "invalid" } }), "Ada tested My OpenAI Key (result: invalid) from 203.0.113.4"],
  "key.use": [
    ev("key.use", { actor: { type: "token", id: "tok_1", label: "ci-deploy" }, ip: null, details: { count: 12, minute: "2026-11-29T10:00Z" } }),
    "Token ci-deploy used My OpenAI Key 12 times",
  ],
  "key.rotate": [ev("key.rotate", { details: { automatic: false, version: 4 } }), "Ada rotated My OpenAI Key (now version 4) from 203.0.113.4"],
  "key.rollback": [ev("key.rollback", { details: { rolledBackTo: 2 } }), "Ada rolled back My OpenAI Key to version 2 from 203.0.113.4"],
  "token.create": [ev("token.create", { target: { type: "token", id: "tok_1", label: "ci-deploy" } }), "Ada created the access token ci-deploy from 203.0.113.4"],
  "token.revoke": [ev("token.revoke", { target: { type: "token", id: "tok_1", label: "ci-deploy" } }), "Ada revoked the access token ci-deploy from 203.0.113.4"],
  "team.create": [ev("team.create", { target: { type: "team", id: "t1", label: "Physics 101" } }), "Ada created the team Physics 101 from 203.0.113.4"],
  "team.update": [ev("team.update", { target: { type: "team", id: "t1", label: "Physics 102" } }), "Ada renamed the team to Physics 102 from 203.0.113.4"],
  "team.delete": [
    ev("team.delete", { target: { type: "team", id: "t1", label: "Physics 101" }, details: { keysDeleted: 2 } }),
    "Ada deleted the team Physics 101 and its 2 keys from 203.0.113.4",
  ],
  "team.invite": [
    ev("team.invite", { target: { type: "invitation", id: "inv_1", label: "bob@example.com" }, details: { role: "member" } }),
    "Ada invited bob@example.com as member from 203.0.113.4",
  ],
  "team.invite_cancel": [
    ev("team.invite_cancel", { target: { type: "invitation", id: "inv_1", label: "bob@example.com" } }),
    "Ada cancelled the invitation of bob@example.com from 203.0.113.4",
  ],
  "team.join": [ev("team.join", { target: { type: "user", id: "u1", label: "ada@example.com" }, details: { role: "member" } }), "Ada joined the team as member from 203.0.113.4"],
  "team.leave": [ev("team.leave", { target: { type: "user", id: "u1", label: "ada@example.com" } }), "Ada left the team from 203.0.113.4"],
  "team.remove_member": [
    ev("team.remove_member", { target: { type: "user", id: "u2", label: "bob@example.com" } }),
    "Ada removed bob@example.com from the team from 203.0.113.4",
  ],
  "team.role_change": [
    ev("team.role_change", { target: { type: "user", id: "u2", label: "bob@example.com" }, details: { role: "admin" } }),
    "Ada changed the role of bob@example.com to admin from 203.0.113.4",
  ],
  "admin.user_create": [ev("admin.user_create", { target: { type: "user", id: "u2", label: "bob@example.com" } }), "Ada added the account bob@example.com from 203.0.113.4"],
  "admin.user_disable": [ev("admin.user_disable", { target: { type: "user", id: "u2", label: "bob@example.com" } }), "Ada disabled the account bob@example.com from 203.0.113.4"],
  "admin.user_enable": [ev("admin.user_enable", { target: { type: "user", id: "u2", label: "bob@example.com" } }), "Ada enabled the account bob@example.com from 203.0.113.4"],
  "admin.token_create": [ev("admin.token_create", { target: { type: "service_token", id: "tok_2", label: "gateway" } }), "Ada created the service token gateway from 203.0.113.4"],
  "admin.token_revoke": [ev("admin.token_revoke", { target: { type: "service_token", id: "tok_2", label: "gateway" } }), "Ada revoked the service token gateway from 203.0.113.4"],
  "admin.rotate_master_key": [
    ev("admin.rotate_master_key", { actor: { type: "system", id: "cli", label: "keyhaven cli" }, ip: null, target: { type: "master_key", id: "2", label: "master key version 2" }, details: { rewrapped: 3 } }),
    "Keyhaven cli re-wrapped 3 data keys under master key version 2",
  ],
  "admin.rotate_data_key": [
    ev("admin.rotate_data_key", { actor: { type: "system", id: "cli", label: "keyhaven cli" }, ip: null, target: { type: "data_key", id: "dek_1", label: "data key generation 2" }, details: { secrets: 1 } }),
    "Keyhaven cli rotated an owner's data key to data key generation 2 (1 value re-encrypted)",
  ],
  "backup.export": [ev("backup.export", { target: null, actor: { type: "system", id: "cli", label: "keyhaven cli" }, ip: null }), "Keyhaven cli exported a backup"],
  "backup.import": [ev("backup.import", { target: null }), "Ada imported a backup from 203.0.113.4"],
  "audit.prune": [
    ev("audit.prune", { actor: { type: "system", id: "retention", label: "audit retention" }, target: null, ip: null, details: { count: 12, retentionDays: 365 } }),
    "Audit retention removed 12 events older than 365 days",
  ],
};

describe("auditSentence", () => {
  it("the web list of actions is the server's, and every group is non-empty", () => {
    expect([...AUDIT_ACTIONS]).toEqual([...SERVER_ACTIONS]);
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    for (const list of Object.values(AUDIT_ACTION_GROUPS)) expect(list.length).toBeGreaterThan(0);
  });

  for (const action of AUDIT_ACTIONS) {
    it(`${action} reads as its own sentence`, () => {
      const [event, text] = EXPECTED[action];
      expect(hasAuditSentence(action)).toBe(true);
      expect(auditSentenceText(event)).toBe(text);
      expect(auditSentenceText(event)).not.toContain(" did ");
    });
  }

  it("an automatic rotation's steps read as steps, a failed one says so", () => {
    const step = (outcome: string) => ev("key.rotate", { actor: { type: "system", id: "rotation", label: "keyhaven rotation" }, ip: null, details: { automatic: true, step: "create_access_key", outcome } });
    expect(auditSentenceText(step("ok"))).toBe("Keyhaven rotation rotated My OpenAI Key automatically: create access key done");
    expect(auditSentenceText(step("failed"))).toBe("Keyhaven rotation rotated My OpenAI Key automatically: create access key failed");
  });

  it("marks names for emphasis: the key, the token", () => {
    expect(auditSentence(EXPECTED["key.reveal"][0])).toEqual(["Ada", " revealed ", { name: "My OpenAI Key" }, " from 203.0.113.4"]);
    expect(auditSentence(EXPECTED["key.use"][0])).toEqual(["Token ", { name: "ci-deploy" }, " used ", { name: "My OpenAI Key" }, " 12 times"]);
  });

  it("counts in words, switches read as on/off, a deleted key is still named", () => {
    expect(auditSentenceText(ev("key.use", { ip: null, details: { count: 1 } }))).toBe("Ada used My OpenAI Key once");
    expect(auditSentenceText(ev("key.use", { ip: null, details: { count: 2 } }))).toBe("Ada used My OpenAI Key twice");
    expect(auditSentenceText(ev("key.update", { ip: null, details: { fields: ["isActive"], isActive: false } }))).toBe("Ada switched off My OpenAI Key");
    expect(auditSentenceText(ev("key.reveal", { ip: null, target: { type: "key", id: "key_9", label: null } }))).toBe("Ada revealed a deleted key (key_9)");
    expect(auditSentenceText(ev("audit.prune", { ip: null, target: null, details: { count: 1 } }))).toBe("Audit retention removed 1 event");
  });

  it("an action it does not know yet still reads, with its target", () => {
    expect(hasAuditSentence("gateway.request")).toBe(false);
    expect(auditSentenceText(ev("gateway.request", { target: { type: "team", id: "t1", label: "Platform" } }))).toBe("Ada did gateway.request on Platform from 203.0.113.4");
  });
});
