/**
 * One SMTP client connection: sends command lines, reads (multi-line) replies, upgrades to TLS
 * for STARTTLS. Every wait has a deadline; every failure is one AppError naming the step, and
 * the server's reply code when there is one. Deciding what to send is the mailer's job.
 */
import net from "node:net";
import tls from "node:tls";
import { AppError, clip } from "./errors.js";
import { escapeControlChars } from "./logger.js";
import { describeSmtpTarget, type SmtpTarget } from "./smtp-url.js";

export interface SmtpReply {
  code: number;
  /** The text of each line, without the code. */
  lines: string[];
}

export interface TlsOptions {
  rejectUnauthorized?: boolean;
  ca?: string | Buffer | (string | Buffer)[];
}

// Bounds on what a server may send: a reply line (RFC 5321 allows 512) and lines per reply.
const MAX_LINE = 4096;
const MAX_LINES = 256;

export class SmtpConnection {
  private socket: net.Socket;
  private buffer = "";
  private partial: string[] = [];
  private partialCode = 0;
  private replies: SmtpReply[] = [];
  private waiter?: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void };
  /** Told of a failure while a connect or TLS handshake is awaited. */
  private settling?: (e: Error) => void;
  private failure?: Error;
  private step = "connect";

  private constructor(
    socket: net.Socket,
    private readonly target: SmtpTarget,
    private readonly timeoutMs: number,
    /** Removes secrets from any server text quoted in an error. */
    private readonly scrub: (text: string) => string,
  ) {
    this.socket = socket;
    this.listen(socket);
  }

  /** Connected (and, for smtps://, through the TLS handshake); the greeting not yet read. */
  static async open(target: SmtpTarget, opts: { timeoutMs: number; tls?: TlsOptions; scrub: (text: string) => string }): Promise<SmtpConnection> {
    const socket = target.implicitTls
      ? tls.connect({ host: target.host, port: target.port, ...serverName(target.host), ...opts.tls })
      : net.connect({ host: target.host, port: target.port });
    const connection = new SmtpConnection(socket, target, opts.timeoutMs, opts.scrub);
    await connection.settle(socket, target.implicitTls ? "secureConnect" : "connect");
    return connection;
  }

  get encrypted(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  /** An AppError for this step: "Sending mail via host:port failed at STEP: …". */
  error(detail: string, step = this.step): AppError {
    return new AppError("INTERNAL", `Sending mail via ${describeSmtpTarget(this.target)} failed at ${step}: ${detail}`);
  }

  /** The error for a reply the step did not expect: its code and (cleaned, clipped) text. */
  unexpected(reply: SmtpReply): AppError {
    return this.error(`the server answered ${reply.code}${this.quote(reply)}`);
  }

  /** The next reply (the greeting, or the answer to what was just sent), whatever its code. */
  async read(step: string): Promise<SmtpReply> {
    this.step = step;
    return this.next();
  }

  /** The next reply, failing unless its code is in `expect`. */
  async reply(step: string, expect: number[]): Promise<SmtpReply> {
    const reply = await this.read(step);
    if (!expect.includes(reply.code)) throw this.unexpected(reply);
    return reply;
  }

  /** Sends one command line and reads the answer; `step` names it in errors (AUTH lines carry credentials). */
  async exchange(line: string, step: string): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.read(step);
  }

  async command(line: string, expect: number[], step = line.split(" ")[0]): Promise<SmtpReply> {
    this.write(`${line}\r\n`);
    return this.reply(step, expect);
  }

  write(data: string): void {
    if (this.failure) return;
    this.socket.write(data, "utf8");
  }

  /** After the server's 220 to STARTTLS: the same socket, now encrypted (then EHLO again). */
  async startTls(tlsOptions: TlsOptions | undefined): Promise<void> {
    // Anything the server sent after its 220 arrived in the clear, before the handshake:
    // reading it as if it came through TLS is the STARTTLS command-injection flaw.
    if (this.buffer !== "" || this.replies.length > 0) throw this.error("the server sent data after its STARTTLS answer");
    this.unlisten(this.socket);
    // The TLS socket reports the plain one's errors; this only keeps a late one from going unhandled.
    this.socket.on("error", () => {});
    // `host` is what the certificate is checked against (an IP address too, unlike SNI).
    const secure = tls.connect({ socket: this.socket, host: this.target.host, ...serverName(this.target.host), ...tlsOptions });
    this.socket = secure;
    this.listen(secure);
    await this.settle(secure, "secureConnect");
  }

  /** QUIT, politely, then the socket is closed whatever the answer. */
  async quit(): Promise<void> {
    try {
      await this.command("QUIT", [221]);
    } catch {
      // The message was accepted already; a server that drops the line at QUIT changes nothing.
    } finally {
      this.close();
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private listen(socket: net.Socket): void {
    socket.on("data", this.onData);
    socket.on("error", this.onError);
    socket.on("close", this.onClose);
  }

  private unlisten(socket: net.Socket): void {
    socket.off("data", this.onData);
    socket.off("error", this.onError);
    socket.off("close", this.onClose);
  }

  /** Waits for `event` on `socket` (a connect, a handshake) within the step's deadline. */
  private settle(socket: net.Socket, event: "connect" | "secureConnect"): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        socket.off(event, onEvent);
        this.settling = undefined;
        if (err) {
          this.close();
          reject(err);
        } else resolve();
      };
      const onEvent = () => done();
      const what = event === "connect" ? "no connection" : "no TLS handshake";
      const timer = setTimeout(() => done(this.error(`${what} within ${this.timeoutMs} ms`)), this.timeoutMs);
      socket.once(event, onEvent);
      if (this.failure) done(this.failure);
      else this.settling = done;
    });
  }

  private next(): Promise<SmtpReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.fail(this.error(`no answer from the server within ${this.timeoutMs} ms`));
        reject(this.failure!);
      }, this.timeoutMs);
      this.waiter = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.close();
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(err);
    this.settling?.(err);
  }

  private readonly onError = (err: NodeJS.ErrnoException) => {
    const what = err.code ?? err.message;
    this.fail(this.error(what));
  };

  private readonly onClose = () => this.fail(this.error("the server closed the connection"));

  private readonly onData = (chunk: Buffer) => {
    // latin1 keeps every byte as one character: a UTF-8 sequence split across chunks survives.
    this.buffer += chunk.toString("latin1");
    let end: number;
    while ((end = this.buffer.indexOf("\n")) !== -1) {
      const line = this.buffer.slice(0, end).replace(/\r$/, "");
      this.buffer = this.buffer.slice(end + 1);
      if (!this.takeLine(line)) return;
    }
    if (this.buffer.length > MAX_LINE) this.fail(this.error("the server sent a reply line that is too long"));
  };

  /** False once the connection has failed. */
  private takeLine(line: string): boolean {
    const m = /^([2-5][0-9][0-9])(?:([ -])(.*))?$/s.exec(line);
    const code = m ? Number(m[1]) : 0;
    if (!m || line.length > MAX_LINE || (this.partial.length > 0 && code !== this.partialCode) || this.partial.length >= MAX_LINES) {
      this.fail(this.error(`the server sent a malformed reply${m ? "" : ` "${this.clean(line, 80)}"`}`));
      return false;
    }
    this.partialCode = code;
    this.partial.push(Buffer.from(m[3] ?? "", "latin1").toString("utf8"));
    if (m[2] === "-") return true;
    const reply = { code, lines: this.partial };
    this.partial = [];
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter.resolve(reply);
    else this.replies.push(reply);
    return true;
  }

  private clean(text: string, max: number): string {
    return clip(escapeControlChars(this.scrub(text)), max);
  }

  private quote(reply: SmtpReply): string {
    const text = reply.lines.join(" ").trim();
    return text ? ` "${this.clean(text, 200)}"` : "";
  }
}

/** SNI names a host, never an address (TLS forbids IP literals there). */
const serverName = (host: string): { servername?: string } => (net.isIP(host) ? {} : { servername: host });
