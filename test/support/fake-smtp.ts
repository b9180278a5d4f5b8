/**
 * A real SMTP server on 127.0.0.1 (a free port) for mailer tests: EHLO/HELO, STARTTLS or implicit
 * TLS, AUTH PLAIN/LOGIN against given credentials, MAIL/RCPT/DATA/RSET/NOOP/QUIT. It records each
 * message (decoded headers and body, as a mail client would read them) and what a strict server
 * would refuse (bare LF, over-long lines), and can be told to answer a step with an error, or
 * never to answer it.
 */
import net from "node:net";
import tls from "node:tls";
import type { SelfSignedCertificate } from "./self-signed-cert.js";

export type SmtpStep = "greeting" | "EHLO" | "HELO" | "STARTTLS" | "AUTH" | "MAIL" | "RCPT" | "DATA" | "end of DATA";

export interface FakeSmtpOptions {
  /** The certificate for STARTTLS or implicit TLS. */
  certificate?: SelfSignedCertificate;
  /** TLS from the first byte (smtps://); needs `certificate`. */
  implicitTls?: boolean;
  /** Offer STARTTLS (needs `certificate`); true by default when there is one and TLS is not implicit. */
  starttls?: boolean;
  /** Offer AUTH with these mechanisms and require it before MAIL. */
  auth?: { user: string; pass: string; mechanisms?: ("PLAIN" | "LOGIN")[] };
  /** false: answer EHLO with 502, as a server from before ESMTP would. */
  ehlo?: boolean;
}

export interface ReceivedMessage {
  from: string;
  to: string[];
  /** The DATA as received, dot-stuffing undone. */
  data: string;
  /** Lower-case header name → value, unfolded, encoded-words decoded. */
  headers: Record<string, string>;
  /** The body, transfer encoding undone, CRLF turned into \n. */
  text: string;
  /** The connection was encrypted when the message came. */
  encrypted: boolean;
  /** Who authenticated, if anyone. */
  user?: string;
  /** What a strict server would have refused (bare LF, lines over 998 octets, 8-bit data). */
  violations: string[];
}

export interface FakeSmtp {
  port: number;
  /** "smtp://127.0.0.1:port" (or smtps://), with credentials when given. */
  url(opts?: { user?: string; pass?: string; query?: string }): string;
  messages: ReceivedMessage[];
  /** The next message received from now on (or one already received and not yet taken). */
  nextMessage(timeoutMs?: number): Promise<ReceivedMessage>;
  /** Answer `step` with `reply` (e.g. "550 5.1.1 No such user") instead of accepting it; null: never answer. */
  fail(step: SmtpStep, reply: string | null): void;
  /** Every command line received, AUTH payloads included (tests check what went over the wire). */
  commands: string[];
  close(): Promise<void>;
}

/** RFC 2047 encoded-words (B and Q) decoded; whitespace between two of them dropped. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
    );
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

function parseMessage(data: string): Pick<ReceivedMessage, "headers" | "text"> {
  const split = data.indexOf("\r\n\r\n");
  const head = split === -1 ? data : data.slice(0, split);
  const body = split === -1 ? "" : data.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const field of head.replace(/\r\n(?=[ \t])/g, "").split("\r\n")) {
    const colon = field.indexOf(":");
    if (colon > 0) headers[field.slice(0, colon).toLowerCase()] = decodeEncodedWords(Buffer.from(field.slice(colon + 1).trim(), "latin1").toString("utf8"));
  }
  const encoding = (headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
  const decoded = encoding === "quoted-printable" ? decodeQuotedPrintable(body) : Buffer.from(body, "latin1").toString("utf8");
  return { headers, text: decoded.replace(/\r\n/g, "\n") };
}

function violations(data: string): string[] {
  const found: string[] = [];
  if (/(^|[^\r])\n/.test(data)) found.push("bare LF");
  if (/\r(?!\n)/.test(data)) found.push("bare CR");
  if (data.split("\r\n").some((l) => l.length > 998)) found.push("line over 998 octets");
  if (/[\x80-\xFF]/.test(data)) found.push("8-bit data");
  return found;
}

export async function startFakeSmtp(opts: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const failures = new Map<SmtpStep, string | null>();
  const messages: ReceivedMessage[] = [];
  const commands: string[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  const sockets = new Set<net.Socket>();
  const offerStartTls = Boolean(opts.certificate) && !opts.implicitTls && opts.starttls !== false;
  const mechanisms = opts.auth ? (opts.auth.mechanisms ?? ["PLAIN", "LOGIN"]) : [];

  function session(socket: net.Socket): void {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let current: net.Socket = socket;
    let buffer = "";
    let greeted = false;
    let user: string | undefined;
    let envelope: { from?: string; to: string[] } = { to: [] };
    let dataLines: string[] | undefined;
    // An AUTH exchange in progress: the next line is its payload.
    let authState: "plain" | "login-user" | "login-pass" | undefined;
    let loginUser = "";

    const send = (line: string) => current.write(`${line}\r\n`);
    /** The configured failure for `step`, sent; true when the step must not go on. */
    const failed = (step: SmtpStep): boolean => {
      if (!failures.has(step)) return false;
      const reply = failures.get(step);
      if (reply !== null && reply !== undefined) send(reply);
      return true;
    };
    const reset = () => {
      envelope = { to: [] };
    };
    const checkCredentials = (name: string, pass: string) => {
      if (name === opts.auth?.user && pass === opts.auth.pass) {
        user = name;
        send("235 2.7.0 Authentication successful");
      } else send("535 5.7.8 Authentication credentials invalid");
    };

    // After agreeing to STARTTLS without starting TLS (a failed STARTTLS answered 220), the server
    // says nothing more: the client's handshake bytes must not get a plaintext "500" back, which
    // would end the wait early (and only when the random ClientHello happens to hold a newline).
    let silent = false;
    const onLine = (line: string) => {
      if (silent) return;
      if (dataLines) {
        if (line === ".") {
          const data = dataLines.map((l) => (l.startsWith(".") ? l.slice(1) : l)).join("\r\n") + "\r\n";
          dataLines = undefined;
          if (failed("end of DATA")) return reset();
          messages.push({
            from: envelope.from ?? "",
            to: envelope.to,
            data,
            ...parseMessage(data),
            encrypted: current instanceof tls.TLSSocket,
            user,
            violations: violations(data),
          });
          wake?.();
          reset();
          send("250 2.0.0 Ok: queued");
        } else dataLines.push(line);
        return;
      }
      commands.push(line);
      if (authState === "plain") {
        authState = undefined;
        const [, name = "", pass = ""] = Buffer.from(line, "base64").toString("utf8").split("\0");
        return checkCredentials(name, pass);
      }
      if (authState === "login-user") {
        loginUser = Buffer.from(line, "base64").toString("utf8");
        authState = "login-pass";
        return send("334 UGFzc3dvcmQ6");
      }
      if (authState === "login-pass") {
        authState = undefined;
        return checkCredentials(loginUser, Buffer.from(line, "base64").toString("utf8"));
      }
      const [verb = "", ...args] = line.split(" ");
      const arg = args.join(" ");
      switch (verb.toUpperCase()) {
        case "EHLO": {
          if (failed("EHLO")) return;
          if (opts.ehlo === false) return send("502 5.5.2 Error: command not recognized");
          greeted = true;
          reset();
          const ext = ["8BITMIME", "SIZE 10240000"];
          if (offerStartTls && !(current instanceof tls.TLSSocket)) ext.push("STARTTLS");
          if (mechanisms.length) ext.push(`AUTH ${mechanisms.join(" ")}`);
          const lines = ["fake-smtp.test greets you", ...ext];
          lines.forEach((l, i) => send(`250${i === lines.length - 1 ? " " : "-"}${l}`));
          return;
        }
        case "HELO":
          if (failed("HELO")) return;
          greeted = true;
          reset();
          return send("250 fake-smtp.test");
        case "STARTTLS": {
          if (failed("STARTTLS")) {
            silent = failures.get("STARTTLS")?.startsWith("220") ?? false;
            return;
          }
          if (!offerStartTls || current instanceof tls.TLSSocket) return send("502 5.5.1 STARTTLS not available");
          send("220 2.0.0 Ready to start TLS");
          current.off("data", onData);
          const secure = new tls.TLSSocket(current, { isServer: true, ...opts.certificate });
          secure.on("error", () => {});
          current = secure;
          buffer = "";
          greeted = false;
          user = undefined;
          reset();
          secure.on("data", onData);
          return;
        }
        case "AUTH": {
          if (failed("AUTH")) return;
          const [mechanism = "", initial] = args;
          if (!greeted || !mechanisms.includes(mechanism.toUpperCase() as "PLAIN")) return send("504 5.5.4 Unrecognized authentication type");
          if (mechanism.toUpperCase() === "PLAIN") {
            if (initial === undefined) {
              authState = "plain";
              return send("334 ");
            }
            const [, name = "", pass = ""] = Buffer.from(initial, "base64").toString("utf8").split("\0");
            return checkCredentials(name, pass);
          }
          authState = "login-user";
          return send("334 VXNlcm5hbWU6");
        }
        case "MAIL": {
          if (failed("MAIL")) return;
          if (!greeted) return send("503 5.5.1 Error: send HELO/EHLO first");
          if (opts.auth && !user) return send("530 5.7.0 Authentication required");
          const m = /^FROM:<([^>]*)>/i.exec(arg);
          if (!m) return send("501 5.5.4 Syntax: MAIL FROM:<address>");
          envelope = { from: m[1], to: [] };
          return send("250 2.1.0 Ok");
        }
        case "RCPT": {
          if (failed("RCPT")) return;
          const m = /^TO:<([^>]+)>/i.exec(arg);
          if (envelope.from === undefined) return send("503 5.5.1 Error: need MAIL command");
          if (!m) return send("501 5.5.4 Syntax: RCPT TO:<address>");
          envelope.to.push(m[1]);
          return send("250 2.1.5 Ok");
        }
        case "DATA":
          if (failed("DATA")) return;
          if (envelope.to.length === 0) return send("503 5.5.1 Error: need RCPT command");
          dataLines = [];
          return send("354 End data with <CR><LF>.<CR><LF>");
        case "RSET":
          reset();
          return send("250 2.0.0 Ok");
        case "NOOP":
          return send("250 2.0.0 Ok");
        case "QUIT":
          send("221 2.0.0 Bye");
          current.end();
          return;
        default:
          return send("502 5.5.2 Error: command not recognized");
      }
    };

    // latin1: bytes stay bytes; the message is decoded as UTF-8 once it is complete.
    function onData(chunk: Buffer) {
      buffer += chunk.toString("latin1");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        onLine(line);
      }
    }

    socket.on("data", onData);
    if (!failed("greeting")) send("220 fake-smtp.test ESMTP ready");
  }

  const server = opts.implicitTls
    ? tls.createServer({ ...opts.certificate }, session)
    : net.createServer(session);
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    url: ({ user, pass, query } = {}) => {
      const credentials = user !== undefined ? `${encodeURIComponent(user)}:${encodeURIComponent(pass ?? "")}@` : "";
      return `${opts.implicitTls ? "smtps" : "smtp"}://${credentials}127.0.0.1:${port}${query ? `?${query}` : ""}`;
    },
    messages,
    commands,
    fail: (step, reply) => failures.set(step, reply),
    async nextMessage(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length <= taken) {
        if (Date.now() >= deadline) throw new Error(`fake SMTP: no message within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.max(0, deadline - Date.now()));
        });
      }
      return messages[taken++];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
