/**
 * The mailer against a real SMTP server on loopback (test/support/fake-smtp.ts): plain, STARTTLS
 * and implicit TLS (a self-signed certificate trusted as the test CA), AUTH PLAIN and LOGIN; what
 * arrives is decoded as a mail client would and compared with what was sent. Errors name the
 * step and the reply code and never carry the password.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/platform/errors.js";
import { createMailer, type MailerOptions } from "../../src/platform/mailer.js";
import { parseSmtpUrl } from "../../src/platform/smtp-url.js";
import { startFakeSmtp, type FakeSmtp, type FakeSmtpOptions } from "../support/fake-smtp.js";
import { makeSelfSignedCertificate } from "../support/self-signed-cert.js";

const certificate = makeSelfSignedCertificate("localhost", "IP:127.0.0.1,DNS:localhost");
const USER = "mailer@example.com";
// Characters that need %-encoding in a URL, and that a careless error message would show.
const PASS = "s3cret:p@ss/wörd%";
const logger = { info: () => {} };

const servers: FakeSmtp[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(opts: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const smtp = await startFakeSmtp(opts);
  servers.push(smtp);
  return smtp;
}

const trustTestCa = (): Partial<MailerOptions> => ({ tls: { ca: certificate!.cert } });
const mailer = (url: string, extra: Partial<MailerOptions> = {}) =>
  createMailer(url, { from: "Keyhaven <keyhaven@keyhaven.example>", logger, timeoutMs: 5000, clientName: "client.test", ...extra });

/** The rejection of `promise`, which must be an AppError. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const simple = { to: "ada@example.com", subject: "Hello", text: "Hi Ada.\n" };

describe("sending over plain SMTP", () => {
  it("delivers headers and body intact: non-ASCII subject and body, lines starting with '.', a long line", async () => {
    const smtp = await server();
    const subject = "Einladung: Team „Grüne Äpfel“ 🍏 — bitte bestätigen, sonst verfällt sie nach sieben Tagen";
    const text = ["Grüß dich,", ".a line that starts with a dot", ".", "..two dots", "", "trailing spaces   ", "x=1 ".repeat(300) + "é", "— Keyhaven", ""].join("\n");
    await mailer(smtp.url()).send({ to: "ada@example.com", subject, text });

    const m = await smtp.nextMessage();
    expect(m.from).toBe("keyhaven@keyhaven.example");
    expect(m.to).toEqual(["ada@example.com"]);
    expect(m.headers.subject).toBe(subject);
    expect(m.headers.from).toBe("Keyhaven <keyhaven@keyhaven.example>");
    expect(m.headers.to).toBe("ada@example.com");
    expect(m.headers["mime-version"]).toBe("1.0");
    expect(m.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(m.headers["message-id"]).toMatch(/^<[0-9a-f-]{36}@keyhaven\.example>$/);
    expect(m.headers.date).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(Date.parse(m.headers.date) - Date.now())).toBeLessThan(60_000);
    expect(m.text).toBe(text);
    // 7-bit, CRLF only, short lines: any server takes it; encoded-word lines within RFC 2047's 76.
    expect(m.violations).toEqual([]);
    expect(m.data.split("\r\n").every((l) => l.length <= 78)).toBe(true);
    expect(m.encrypted).toBe(false);
    expect(smtp.commands).toEqual(["EHLO client.test", "MAIL FROM:<keyhaven@keyhaven.example>", "RCPT TO:<ada@example.com>", "DATA", "QUIT"]);
  });

  it("encodes a non-ASCII sender name and quotes one with specials; a plain ASCII subject stays readable", async () => {
    const smtp = await server();
    await mailer(smtp.url(), { from: "Zoë's Keyhaven <zoe@keyhaven.example>" }).send(simple);
    await mailer(smtp.url(), { from: "Ops, Keyhaven <ops@keyhaven.example>" }).send({ ...simple, subject: "=?not an encoded word?=" });
    const [first, second] = [await smtp.nextMessage(), await smtp.nextMessage()];
    expect(first.headers.from).toBe("Zoë's Keyhaven <zoe@keyhaven.example>");
    expect(first.data).toContain("\r\nSubject: Hello\r\n");
    expect(second.headers.from).toBe('"Ops, Keyhaven" <ops@keyhaven.example>');
    expect(second.headers.subject).toBe("=?not an encoded word?=");
    expect(second.violations).toEqual([]);
  });

  it("falls back to HELO when the server does not know EHLO", async () => {
    const smtp = await server({ ehlo: false });
    await mailer(smtp.url()).send(simple);
    expect((await smtp.nextMessage()).text).toBe(simple.text);
    expect(smtp.commands.slice(0, 2)).toEqual(["EHLO client.test", "HELO client.test"]);
  });

  it("?starttls=required refuses a server without STARTTLS: nothing is sent", async () => {
    const smtp = await server();
    const err = await failure(mailer(smtp.url({ query: "starttls=required" })).send(simple));
    expect(err.message).toMatch(/failed at STARTTLS: .*does not offer STARTTLS/);
    expect(smtp.commands.some((c) => c.startsWith("MAIL"))).toBe(false);
  });
});

describe.skipIf(!certificate)("sending over TLS", () => {
  it("STARTTLS when offered, then AUTH PLAIN inside the encrypted connection", async () => {
    const smtp = await server({ certificate, auth: { user: USER, pass: PASS } });
    const logs: unknown[][] = [];
    await mailer(smtp.url({ user: USER, pass: PASS }), { ...trustTestCa(), logger: { info: (...args: unknown[]) => logs.push(args) } }).send(simple);
    const m = await smtp.nextMessage();
    expect(m).toMatchObject({ encrypted: true, user: USER, text: simple.text });
    expect(logs).toEqual([[{ smtp: `127.0.0.1:${smtp.port}`, messageId: m.headers["message-id"] }, "mail sent"]]);
    expect(smtp.commands.slice(0, 3)).toEqual(["EHLO client.test", "STARTTLS", "EHLO client.test"]);
    expect(smtp.commands[3]).toMatch(/^AUTH PLAIN /);
  });

  it("AUTH LOGIN when the server offers only that", async () => {
    const smtp = await server({ certificate, auth: { user: USER, pass: PASS, mechanisms: ["LOGIN"] } });
    await mailer(smtp.url({ user: USER, pass: PASS }), trustTestCa()).send(simple);
    expect(await smtp.nextMessage()).toMatchObject({ encrypted: true, user: USER });
    expect(smtp.commands).toContain("AUTH LOGIN");
  });

  it("smtps:// speaks TLS from the first byte", async () => {
    const smtp = await server({ certificate, implicitTls: true, auth: { user: USER, pass: PASS } });
    await mailer(smtp.url({ user: USER, pass: PASS }), trustTestCa()).send(simple);
    expect(await smtp.nextMessage()).toMatchObject({ encrypted: true, user: USER });
    expect(smtp.commands).not.toContain("STARTTLS");
  });

  it("?starttls=never stays plain even when STARTTLS is offered", async () => {
    const smtp = await server({ certificate });
    await mailer(smtp.url({ query: "starttls=never" }), trustTestCa()).send(simple);
    expect((await smtp.nextMessage()).encrypted).toBe(false);
    expect(smtp.commands).not.toContain("STARTTLS");
  });

  it("checks the certificate names the host after STARTTLS too (trusted CA, wrong name: refused)", async () => {
    const elsewhere = makeSelfSignedCertificate("mail.example", "DNS:mail.example")!;
    const smtp = await server({ certificate: elsewhere });
    const err = await failure(mailer(smtp.url(), { tls: { ca: elsewhere.cert } }).send(simple));
    expect(err.message).toBe(`Sending mail via 127.0.0.1:${smtp.port} failed at STARTTLS: ERR_TLS_CERT_ALTNAME_INVALID`);
    expect(smtp.messages).toEqual([]);
  });

  it("a server that agrees to STARTTLS but never shakes hands: the error comes within the timeout", async () => {
    const smtp = await server({ certificate });
    smtp.fail("STARTTLS", "220 2.0.0 Ready to start TLS");
    const started = Date.now();
    const err = await failure(mailer(smtp.url(), { ...trustTestCa(), timeoutMs: 300 }).send(simple));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.message).toMatch(/failed at STARTTLS: no TLS handshake within 300 ms$/);
  });

  it("refuses plaintext sent after the server's STARTTLS answer (the STARTTLS injection flaw)", async () => {
    const smtp = await server({ certificate });
    smtp.fail("STARTTLS", "220 2.0.0 Ready to start TLS\r\n250 2.1.0 injected before the handshake");
    const err = await failure(mailer(smtp.url(), trustTestCa()).send(simple));
    expect(err.message).toMatch(/failed at STARTTLS: the server sent data after its STARTTLS answer$/);
  });

  it("an untrusted certificate is refused, at STARTTLS and at connect (smtps)", async () => {
    const starttls = await server({ certificate });
    const implicit = await server({ certificate, implicitTls: true });
    const a = await failure(mailer(starttls.url()).send(simple));
    const b = await failure(mailer(implicit.url()).send(simple));
    expect(a.message).toBe(`Sending mail via 127.0.0.1:${starttls.port} failed at STARTTLS: DEPTH_ZERO_SELF_SIGNED_CERT`);
    expect(b.message).toBe(`Sending mail via 127.0.0.1:${implicit.port} failed at connect: DEPTH_ZERO_SELF_SIGNED_CERT`);
    expect(starttls.messages.length + implicit.messages.length).toBe(0);
  });
});

describe("credentials", () => {
  it("are not sent in the clear when STARTTLS is missing; ?starttls=never allows it", async () => {
    const smtp = await server({ auth: { user: USER, pass: PASS } });
    const err = await failure(mailer(smtp.url({ user: USER, pass: PASS })).send(simple));
    expect(err.message).toMatch(/failed at STARTTLS: .*password is not sent unencrypted.*starttls=never/);
    expect(smtp.commands.some((c) => c.startsWith("AUTH"))).toBe(false);

    await mailer(smtp.url({ user: USER, pass: PASS, query: "starttls=never" })).send(simple);
    expect(await smtp.nextMessage()).toMatchObject({ user: USER, encrypted: false });
  });

  it("wrong ones: the error names AUTH and 535, never the password, even when the server echoes it", async () => {
    const smtp = await server({ auth: { user: USER, pass: PASS } });
    const wrong = "not-the-password";
    const err = await failure(mailer(smtp.url({ user: USER, pass: wrong, query: "starttls=never" })).send(simple));
    expect(err.message).toBe(`Sending mail via 127.0.0.1:${smtp.port} failed at AUTH PLAIN: the server answered 535 "5.7.8 Authentication credentials invalid"`);
    expect(err.message).not.toContain(wrong);

    const plainB64 = Buffer.from(`\0${USER}\0${PASS}`).toString("base64");
    smtp.fail("AUTH", `535 5.7.8 rejected ${PASS} (${plainB64})`);
    const echoed = await failure(mailer(smtp.url({ user: USER, pass: PASS, query: "starttls=never" })).send(simple));
    expect(echoed.message).toContain("failed at AUTH PLAIN: the server answered 535");
    expect(echoed.message).not.toContain(PASS);
    expect(echoed.message).not.toContain(plainB64);
    expect(echoed.message).toContain("[redacted]");
  });

  it("wrong ones over AUTH LOGIN: the error names the LOGIN step that failed", async () => {
    const smtp = await server({ auth: { user: USER, pass: PASS, mechanisms: ["LOGIN"] } });
    const err = await failure(mailer(smtp.url({ user: USER, pass: "wrong", query: "starttls=never" })).send(simple));
    expect(err.message).toMatch(/failed at AUTH LOGIN \(password\): the server answered 535 /);
  });

  it("the server offering no AUTH at all is a clear error", async () => {
    const smtp = await server();
    const err = await failure(mailer(smtp.url({ user: USER, pass: PASS, query: "starttls=never" })).send(simple));
    expect(err.message).toMatch(/failed at AUTH: the URL has credentials, but the server offers no AUTH$/);
  });
});

describe("errors", () => {
  it("refuses header injection in the recipient and the subject before connecting", async () => {
    const smtp = await server();
    const send = mailer(smtp.url());
    for (const message of [
      { ...simple, to: "ada@example.com\r\nBcc: eve@example.com" },
      { ...simple, to: "ada@example.com\nBcc: eve@example.com" },
      { ...simple, subject: "Hi\r\nBcc: eve@example.com" },
      { ...simple, subject: "Hi\nX-Evil: 1" },
    ]) {
      const err = await failure(send.send(message));
      expect(err.code).toBe("VALIDATION_ERROR");
      expect(err.message).toMatch(/line break/);
    }
    for (const to of ["not an address", "ada@example.com, eve@example.com", "<ada@example.com> eve@example.com", "ädä@example.com"]) {
      expect((await failure(send.send({ ...simple, to }))).code).toBe("VALIDATION_ERROR");
    }
    expect(() => mailer(smtp.url(), { from: "Keyhaven <keyhaven@example.com>\r\nBcc: eve@example.com" })).toThrow(/line break/);
    expect(smtp.commands).toEqual([]);
  });

  it.each([
    ["greeting", "554 5.3.2 No service", "greeting: the server answered 554 \"5.3.2 No service\""],
    ["MAIL", "451 4.3.0 Try again later", "MAIL FROM: the server answered 451 \"4.3.0 Try again later\""],
    ["RCPT", "550 5.1.1 <ada@example.com>: Recipient address rejected", "RCPT TO: the server answered 550 \"5.1.1 <ada@example.com>: Recipient address rejected\""],
    ["DATA", "554 5.5.1 No valid recipients", "DATA: the server answered 554 \"5.5.1 No valid recipients\""],
    ["end of DATA", "552 5.3.4 Message too big", "end of DATA: the server answered 552 \"5.3.4 Message too big\""],
  ] as const)("a server error at %s names the step and the code", async (step, reply, expected) => {
    const smtp = await server();
    smtp.fail(step, reply);
    const err = await failure(mailer(smtp.url()).send(simple));
    expect(err.message).toBe(`Sending mail via 127.0.0.1:${smtp.port} failed at ${expected}`);
    expect(smtp.messages).toEqual([]);
  });

  it("a server that never answers: the error comes within the step's timeout", async () => {
    const silent = await server();
    silent.fail("greeting", null);
    let started = Date.now();
    const err = await failure(mailer(silent.url(), { timeoutMs: 300 }).send(simple));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.message).toBe(`Sending mail via 127.0.0.1:${silent.port} failed at greeting: no answer from the server within 300 ms`);

    const stalls = await server();
    stalls.fail("end of DATA", null);
    started = Date.now();
    const late = await failure(mailer(stalls.url(), { timeoutMs: 300 }).send(simple));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(late.message).toMatch(/failed at end of DATA: no answer from the server within 300 ms$/);
  });

  it("nothing listening: the error names connect and the reason", async () => {
    const smtp = await server();
    const { port } = smtp;
    await smtp.close();
    servers.splice(servers.indexOf(smtp), 1);
    const err = await failure(mailer(`smtp://127.0.0.1:${port}`).send(simple));
    expect(err.message).toBe(`Sending mail via 127.0.0.1:${port} failed at connect: ECONNREFUSED`);
  });

  it("a malformed URL or sender is refused when the mailer is made, without echoing the password", () => {
    expect(() => mailer(`http://${USER}:${encodeURIComponent(PASS)}@mail.example`)).toThrow(/^The SMTP URL must start with smtp:\/\/ or smtps:\/\/$/);
    expect(() => mailer("smtp://mail.example", { from: "Keyhaven" })).toThrow(/sender must be an email address/);
  });
});

describe("SMTP URLs", () => {
  it("default ports: 25 plain, 587 with credentials, 465 for smtps; credentials %-decoded", () => {
    const target = (url: string) => {
      const parsed = parseSmtpUrl(url);
      if (!parsed.ok) throw new Error(parsed.problem);
      return parsed.target;
    };
    expect(target("smtp://mail.example")).toEqual({ implicitTls: false, host: "mail.example", port: 25, starttls: "auto" });
    expect(target(`smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASS)}@mail.example`)).toMatchObject({ port: 587, credentials: { user: USER, pass: PASS } });
    expect(target("smtps://u:p@mail.example")).toMatchObject({ port: 465, implicitTls: true });
    expect(target("smtp://[::1]:2525?starttls=required")).toMatchObject({ host: "::1", port: 2525, starttls: "required" });
  });

  it.each([
    ["http://mail.example", "must start with smtp:// or smtps://"],
    ["mail.example:25", "must start with smtp:// or smtps://"],
    ["smtp://mail.example?starttls=maybe", "?starttls must be never or required"],
    ["smtp://mail.example?tls=1", 'has an unknown parameter "tls"'],
    ["smtps://mail.example?starttls=never", "applies to smtp:// only"],
    ["smtp://user@mail.example", "needs both a user name and a password"],
    ["smtp://mail.example/path", "must not have a path"],
    ["smtp://u:%E0%A4%A@mail.example", "not valid %-encoding"],
  ])("%s is refused: %s", (url, problem) => {
    const parsed = parseSmtpUrl(url);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });
});
