/**
 * Sends plain-text mail over SMTP with Node's own sockets (no mail library): one connection per
 * message, the usual client dialogue (EHLO or HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, QUIT).
 * Errors name the step and the server's reply code, never the password.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { AppError } from "./errors.js";
import type { Logger } from "./logger.js";
import { assertHeaderSafe, formatMessage, parseMailbox } from "./mail-message.js";
import { SmtpConnection, type SmtpReply, type TlsOptions } from "./smtp-connection.js";
import { describeSmtpTarget, parseSmtpUrl, type SmtpTarget } from "./smtp-url.js";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface MailerOptions {
  /** "address@example.com" or "Name <address@example.com>". */
  from: string;
  logger: Pick<Logger, "info">;
  /** The deadline of each step (connect, each answer, the TLS handshake); 30 s by default. */
  timeoutMs?: number;
  /** For tests: trust a test CA. Certificates are verified unless told otherwise. */
  tls?: TlsOptions;
  /** The name given in EHLO/HELO; this machine's host name by default. */
  clientName?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** A host name fit for EHLO; "localhost" when the machine's is not one. */
function defaultClientName(): string {
  const name = os.hostname();
  return /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$/.test(name) ? name : "localhost";
}

/** EHLO's keywords and their parameters ("AUTH" → ["PLAIN", "LOGIN"]); empty after HELO. */
type Extensions = Map<string, string[]>;

function extensions(reply: SmtpReply): Extensions {
  const found: Extensions = new Map();
  for (const line of reply.lines.slice(1)) {
    // "AUTH=PLAIN LOGIN" is the form some old servers still send.
    const [keyword = "", ...params] = line.trim().replace(/^AUTH=/i, "AUTH ").split(/\s+/);
    if (keyword) found.set(keyword.toUpperCase(), params.map((p) => p.toUpperCase()));
  }
  return found;
}

async function hello(conn: SmtpConnection, clientName: string): Promise<Extensions> {
  const reply = await conn.exchange(`EHLO ${clientName}`, "EHLO");
  if (reply.code === 250) return extensions(reply);
  // A server that does not know EHLO says so with a 5xx: fall back to plain old HELO.
  if (reply.code < 500) throw conn.unexpected(reply);
  await conn.command(`HELO ${clientName}`, [250], "HELO");
  return new Map();
}

async function authenticate(conn: SmtpConnection, ext: Extensions, { user, pass }: { user: string; pass: string }): Promise<void> {
  const mechanisms = ext.get("AUTH");
  if (mechanisms?.includes("PLAIN")) {
    await conn.command(`AUTH PLAIN ${base64(`\0${user}\0${pass}`)}`, [235], "AUTH PLAIN");
  } else if (mechanisms?.includes("LOGIN")) {
    await conn.command("AUTH LOGIN", [334], "AUTH LOGIN");
    await conn.command(base64(user), [334], "AUTH LOGIN (user name)");
    await conn.command(base64(pass), [235], "AUTH LOGIN (password)");
  } else {
    throw conn.error(mechanisms ? `the server offers neither PLAIN nor LOGIN (it offers ${mechanisms.join(" ") || "nothing"})` : "the URL has credentials, but the server offers no AUTH", "AUTH");
  }
}

/** Secret forms a server might echo back, removed from any of its text quoted in an error. */
function scrubber(target: SmtpTarget): (text: string) => string {
  const c = target.credentials;
  const secrets = c ? [base64(`\0${c.user}\0${c.pass}`), base64(c.pass), c.pass] : [];
  return (text) => secrets.reduce((t, secret) => t.split(secret).join("[redacted]"), text);
}

/** SMTP's transparency: a line that starts with "." gets another one (RFC 5321 4.5.2). */
const dotStuff = (data: string) => data.replace(/^\./gm, "..");

export function createMailer(url: string, opts: MailerOptions): Mailer {
  const parsed = parseSmtpUrl(url);
  if (!parsed.ok) throw new AppError("INTERNAL", `The SMTP URL ${parsed.problem}`);
  const target = parsed.target;
  assertHeaderSafe("sender", opts.from);
  const sender = parseMailbox(opts.from);
  if (!sender) throw new AppError("INTERNAL", "The mail sender must be an email address, or a name and one: Name <address@example.com>");
  const from = sender;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clientName = opts.clientName ?? defaultClientName();
  const scrub = scrubber(target);
  const domain = from.address.slice(from.address.lastIndexOf("@") + 1);

  async function deliver(conn: SmtpConnection, to: string, data: string): Promise<void> {
    await conn.reply("greeting", [220]);
    let ext = await hello(conn, clientName);
    if (!target.implicitTls && target.starttls !== "never") {
      if (ext.has("STARTTLS")) {
        await conn.command("STARTTLS", [220]);
        await conn.startTls(opts.tls);
        ext = await hello(conn, clientName);
      } else if (target.starttls === "required") {
        throw conn.error("the server does not offer STARTTLS, and the URL says ?starttls=required", "STARTTLS");
      } else if (target.credentials) {
        // Stripping STARTTLS from the EHLO answer is how a man in the middle would get the password.
        throw conn.error("the server does not offer STARTTLS; the password is not sent unencrypted (add ?starttls=never to allow it)", "STARTTLS");
      }
    }
    if (target.credentials) await authenticate(conn, ext, target.credentials);
    await conn.command(`MAIL FROM:<${from.address}>`, [250], "MAIL FROM");
    await conn.command(`RCPT TO:<${to}>`, [250, 251], "RCPT TO");
    await conn.command("DATA", [354]);
    conn.write(`${dotStuff(data)}.\r\n`);
    await conn.reply("end of DATA", [250]);
    await conn.quit();
  }

  return {
    async send(message) {
      assertHeaderSafe("recipient", message.to);
      assertHeaderSafe("subject", message.subject);
      const to = parseMailbox(message.to);
      if (!to) throw new AppError("VALIDATION_ERROR", "The email recipient must be one email address");
      const messageId = `<${randomUUID()}@${domain}>`;
      const data = formatMessage({ from: from, to, subject: message.subject, text: message.text, date: new Date(), messageId });

      const conn = await SmtpConnection.open(target, { timeoutMs, tls: opts.tls, scrub });
      try {
        await deliver(conn, to.address, data);
      } finally {
        conn.close();
      }
      opts.logger.info({ smtp: describeSmtpTarget(target), messageId }, "mail sent");
    },
  };
}
