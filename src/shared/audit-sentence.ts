/**
 * An audit event in words — "Ada revealed *My OpenAI Key* from 203.0.113.4" — for the Audit
 * page (names emphasised) and the export's `summary` column (plain text). Pure, one phrase per
 * action; the table is typed by AuditAction, so a new action does not compile without its words.
 * Imports nothing but types, so the web app can bundle it.
 */
import type { AuditAction } from "./audit-actions.js";

/** The event fields a sentence needs (an AuditEvent has them all). */
export interface AuditSentenceEvent {
  action: string;
  actor: { type: "user" | "token" | "system"; id: string; label: string };
  target: { type: string; id: string; label: string | null } | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** Plain text, or a name to emphasise (a key, a token, an account). */
export type SentencePart = string | { name: string };

const name = (label: string): SentencePart => ({ name: label });
const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function actorParts(actor: AuditSentenceEvent["actor"]): SentencePart[] {
  if (actor.type === "token") return ["Token ", name(actor.label)];
  if (actor.type === "system") return [capitalised(actor.label)];
  return [actor.label];
}

/** The target's name; a key or token deleted since is still called something. */
function targetName(e: AuditSentenceEvent, fallback: string): SentencePart {
  return name(e.target?.label ?? (e.target ? `${fallback} (${e.target.id})` : fallback));
}

const times = (n: unknown) => {
  const count = typeof n === "number" && Number.isFinite(n) ? n : 1;
  return count === 1 ? "once" : count === 2 ? "twice" : `${count} times`;
};

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

const FIELD_WORDS: Record<string, string> = {
  name: "name",
  value: "value",
  expiresAt: "expiry date",
  isActive: "on/off switch",
  isDefault: "default",
  config: "settings",
  service: "service",
  description: "description",
};

function keyUpdate(e: AuditSentenceEvent): SentencePart[] {
  const fields = asList(e.details.fields);
  if (fields.length === 1 && fields[0] === "isActive" && typeof e.details.isActive === "boolean") {
    return [` switched ${e.details.isActive ? "on" : "off"} `, targetName(e, "a deleted key")];
  }
  const words = fields.map((f) => FIELD_WORDS[f] ?? f);
  return [" changed ", ...(words.length ? [`the ${words.join(", ")} of `] : []), targetName(e, "a deleted key")];
}

/** A manual rotation, or one step of an automatic one ("… AWS rotation of *key*: create_access_key failed"). */
function keyRotate(e: AuditSentenceEvent): SentencePart[] {
  const key = targetName(e, "a deleted key");
  if (typeof e.details.step === "string") {
    const outcome = e.details.outcome === "failed" ? "failed" : "done";
    return [" rotated ", key, ` automatically: ${e.details.step.replaceAll("_", " ")} ${outcome}`];
  }
  return [" rotated ", key, ...(typeof e.details.version === "number" ? [` (now version ${e.details.version})`] : [])];
}

/** Each action: what follows the actor ("revealed *key*"), or the whole sentence when `whole`. */
const PHRASES: Record<AuditAction, (e: AuditSentenceEvent) => SentencePart[] | { whole: SentencePart[] }> = {
  "auth.sign_in": () => [" signed in"],
  "auth.sign_in_failed": (e) => ({ whole: ["Failed sign-in for ", name(e.target?.label ?? e.actor.label)] }),
  "auth.sign_out": () => [" signed out"],
  "key.create": (e) => [" added ", targetName(e, "a key"), ...(typeof e.details.service === "string" ? [` (${e.details.service})`] : [])],
  "key.update": keyUpdate,
  "key.delete": (e) => [" deleted ", targetName(e, "a key")],
  "key.reveal": (e) => [" revealed ", targetName(e, "a deleted key")],
  "key.test": (e) => [" tested ", targetName(e, "a deleted key"), ...(typeof e.details.status === "string" ? [` (result: ${e.details.status})`] : [])],
  "key.use": (e) => [" used ", targetName(e, "a deleted key"), ` ${times(e.details.count)}`],
  "key.rotate": keyRotate,
  "key.rollback": (e) => [
    " rolled back ",
    targetName(e, "a deleted key"),
    typeof e.details.rolledBackTo === "number" ? ` to version ${e.details.rolledBackTo}` : " to an earlier value",
  ],
  "token.create": (e) => [" created the access token ", targetName(e, "a token")],
  "token.revoke": (e) => [" revoked the access token ", targetName(e, "a token")],
  "team.create": (e) => [" created the team ", targetName(e, "a team")],
  "team.update": (e) => [" renamed the team to ", targetName(e, "a team")],
  "team.delete": (e) => [
    " deleted the team ",
    targetName(e, "a team"),
    ...(typeof e.details.keysDeleted === "number" ? [` and its ${e.details.keysDeleted} key${e.details.keysDeleted === 1 ? "" : "s"}`] : []),
  ],
  "team.invite": (e) => [" invited ", targetName(e, "someone"), ...(typeof e.details.role === "string" ? [` as ${e.details.role}`] : [])],
  "team.invite_cancel": (e) => [" cancelled the invitation of ", targetName(e, "someone")],
  "team.join": (e) => [" joined the team", ...(typeof e.details.role === "string" ? [` as ${e.details.role}`] : [])],
  "team.leave": () => [" left the team"],
  "team.remove_member": (e) => [" removed ", targetName(e, "a member"), " from the team"],
  "team.role_change": (e) => [
    " changed the role of ",
    targetName(e, "a member"),
    ...(typeof e.details.role === "string" ? [` to ${e.details.role}`] : []),
  ],
  "admin.user_create": (e) => [" added the account ", targetName(e, "an account")],
  "admin.user_disable": (e) => [" disabled the account ", targetName(e, "an account")],
  "admin.user_enable": (e) => [" enabled the account ", targetName(e, "an account")],
  "admin.token_create": (e) => [" created the service token ", targetName(e, "a token")],
  "admin.token_revoke": (e) => [" revoked the service token ", targetName(e, "a token")],
  "admin.rotate_master_key": (e) => [
    " re-wrapped ",
    typeof e.details.rewrapped === "number" ? `${e.details.rewrapped} data key${e.details.rewrapped === 1 ? "" : "s"}` : "the data keys",
    " under ",
    targetName(e, "a new master key"),
  ],
  "admin.rotate_data_key": (e) => [
    " rotated an owner's data key to ",
    targetName(e, "a new data key"),
    ...(typeof e.details.secrets === "number" ? [` (${e.details.secrets} value${e.details.secrets === 1 ? "" : "s"} re-encrypted)`] : []),
  ],
  "backup.export": () => [" exported a backup"],
  "backup.import": () => [" imported a backup"],
  "audit.prune": (e) => ({
    whole: [
      `Audit retention removed ${typeof e.details.count === "number" ? e.details.count : "old"} event${e.details.count === 1 ? "" : "s"}`,
      ...(typeof e.details.retentionDays === "number" ? [` older than ${e.details.retentionDays} days`] : []),
    ],
  }),
};

export const hasAuditSentence = (action: string): action is AuditAction => Object.hasOwn(PHRASES, action);

/** The event as a sentence, in parts; " from <ip>" when the request's address is known. */
export function auditSentence(e: AuditSentenceEvent): SentencePart[] {
  const from = e.ip ? [` from ${e.ip}`] : [];
  if (!hasAuditSentence(e.action)) {
    return [...actorParts(e.actor), ` did ${e.action}`, ...(e.target ? [" on ", targetName(e, e.target.type)] : []), ...from];
  }
  const phrase = PHRASES[e.action](e);
  return "whole" in phrase ? [...phrase.whole, ...from] : [...actorParts(e.actor), ...phrase, ...from];
}

/** The sentence as plain text (the export's summary column). */
export const auditSentenceText = (e: AuditSentenceEvent): string =>
  auditSentence(e)
    .map((p) => (typeof p === "string" ? p : p.name))
    .join("");
