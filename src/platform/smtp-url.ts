/**
 * KEYHAVEN_SMTP_URL, parsed: where mail goes, how the connection is secured, and the credentials.
 * Read by the config (start-up errors) and the mailer. Problems never quote the URL: it may
 * hold a password.
 */
import net from "node:net";

/** `auto`: STARTTLS when the server offers it; `never`: plain; `required`: refuse to send without it. */
export type StartTlsMode = "auto" | "never" | "required";

export interface SmtpTarget {
  /** smtps://: TLS from the first byte (implicit TLS). */
  implicitTls: boolean;
  /** Without IPv6 brackets, ready for net.connect. */
  host: string;
  port: number;
  starttls: StartTlsMode;
  credentials?: { user: string; pass: string };
}

export type SmtpUrlResult = { ok: true; target: SmtpTarget } | { ok: false; problem: string };

const decode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/** `problem` completes a sentence that starts with the variable's name, e.g. "must start with smtp://…". */
export function parseSmtpUrl(raw: string): SmtpUrlResult {
  const fail = (problem: string): SmtpUrlResult => ({ ok: false, problem });
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail("is not a valid URL (expected smtp://[user:password@]host[:port] or smtps://…)");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") return fail("must start with smtp:// or smtps://");
  const implicitTls = url.protocol === "smtps:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") return fail("needs a host, e.g. smtp://mail.example.com");
  if (url.pathname !== "" && url.pathname !== "/") return fail("must not have a path (only ?starttls=never|required)");
  if (url.hash !== "") return fail("must not have a #fragment");

  let starttls: StartTlsMode = "auto";
  for (const [name, value] of url.searchParams) {
    if (name !== "starttls") return fail(`has an unknown parameter "${name}" (only ?starttls=never|required)`);
    if (value !== "never" && value !== "required") return fail("?starttls must be never or required");
    if (implicitTls) return fail("is smtps:// (TLS from the start): ?starttls applies to smtp:// only");
    starttls = value;
  }

  let credentials: SmtpTarget["credentials"];
  if (url.username !== "" || url.password !== "") {
    const user = decode(url.username);
    const pass = decode(url.password);
    if (user === undefined || pass === undefined) return fail("has a user name or password that is not valid %-encoding");
    if (user === "" || pass === "") return fail("needs both a user name and a password (smtp://user:password@host), or neither");
    credentials = { user, pass };
  }

  // 587 (submission) is where authenticated clients send; 25 is server-to-server relay.
  const port = url.port !== "" ? Number(url.port) : implicitTls ? 465 : credentials ? 587 : 25;
  if (port === 0) return fail("must not use port 0");
  return { ok: true, target: { implicitTls, host, port, starttls, credentials } };
}

/** host:port for messages (IPv6 in brackets); never the credentials. */
export const describeSmtpTarget = (t: Pick<SmtpTarget, "host" | "port">): string =>
  `${net.isIPv6(t.host) ? `[${t.host}]` : t.host}:${t.port}`;
