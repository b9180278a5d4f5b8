/**
 * One plain-text email as RFC 5322 text: headers (RFC 2047 encoded-words for non-ASCII), a UTF-8
 * body in quoted-printable (7-bit, short lines: it passes any server, with or without 8BITMIME),
 * CRLF line endings. SMTP framing (dot-stuffing, the final ".") is the mailer's job.
 */
import { AppError } from "./errors.js";

export interface Mailbox {
  name?: string;
  address: string;
}

// ASCII addresses only (no SMTPUTF8): a dot-atom local part and a host name.
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
const ADDRESS = new RegExp(`^[A-Za-z0-9!#$%&'*+/=?^_\`{|}~.-]+@${LABEL}(?:\\.${LABEL})*$`);

export const isMailAddress = (text: string): boolean => text.length <= 254 && ADDRESS.test(text);

/** "a@b.example", "<a@b.example>" or "Name <a@b.example>"; undefined when it is none of these. */
export function parseMailbox(text: string): Mailbox | undefined {
  const trimmed = text.trim();
  const angle = /^(.*?)\s*<([^<>]*)>$/s.exec(trimmed);
  const address = angle ? angle[2] : trimmed;
  if (!isMailAddress(address)) return undefined;
  const name = angle?.[1].trim().replace(/^"(.*)"$/s, "$1");
  return name ? { name, address } : { address };
}

const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/** Refuses what could end a header line early (header injection) or corrupt one. */
export function assertHeaderSafe(field: string, value: string): void {
  if (/[\r\n]/.test(value)) throw new AppError("VALIDATION_ERROR", `The email ${field} contains a line break (refused: it could inject headers)`);
  if (CONTROL.test(value)) throw new AppError("VALIDATION_ERROR", `The email ${field} contains a control character`);
}

// 39 bytes → 52 base64 characters → a 64-character encoded-word: "Subject: " plus one stays
// within the 76 characters RFC 2047 allows a line that carries encoded-words.
const WORD_BYTES = 39;

/** Encoded-words of whole code points, folded onto continuation lines. */
function encodedWords(text: string): string {
  const words: string[] = [];
  let chunk = "";
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > WORD_BYTES) {
      words.push(chunk);
      chunk = "";
    }
    chunk += ch;
  }
  if (chunk !== "" || words.length === 0) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, "utf8").toString("base64")}?=`).join("\r\n ");
}

/** Header text as is when it is short printable ASCII that no reader could take for an encoded-word. */
function headerText(text: string, room: number): string {
  const plain = /^[\x20-\x7E]*$/.test(text) && text.length <= room && !text.includes("=?") && text.trim() === text;
  return plain ? text : encodedWords(text);
}

const ATOMS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/;

function formatMailbox(box: Mailbox): string {
  if (!box.name) return box.address;
  const name = /^[\x20-\x7E]*$/.test(box.name) && !box.name.includes("=?")
    ? ATOMS.test(box.name)
      ? box.name
      : `"${box.name.replace(/(["\\])/g, "\\$1")}"`
    : encodedWords(box.name);
  return `${name}\r\n <${box.address}>`;
}

const hex = (byte: number) => `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;

/** One line (no line break in it) as quoted-printable lines of at most 76 characters. */
function quotedPrintableLine(line: string): string {
  const bytes = Buffer.from(line, "utf8");
  const out: string[] = [];
  let current = "";
  bytes.forEach((byte, i) => {
    const last = i === bytes.length - 1;
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
    const token = literal ? String.fromCharCode(byte) : hex(byte);
    // 75 characters and "=" (a soft line break) make a full line; an =XX is never split.
    if (current.length + token.length > 75) {
      out.push(`${current}=`);
      current = "";
    }
    current += token;
  });
  out.push(current);
  return out.join("\r\n");
}

export function quotedPrintable(text: string): string {
  return text.replace(/\r\n?/g, "\n").split("\n").map(quotedPrintableLine).join("\r\n");
}

/** RFC 5322 date: "Sun, 29 Nov 2026 17:26:09 +0000". */
export const mailDate = (date: Date): string => date.toUTCString().replace(/GMT$/, "+0000");

export interface MessageParts {
  from: Mailbox;
  to: Mailbox;
  subject: string;
  text: string;
  date: Date;
  messageId: string;
}

/** The whole message, every line ending in CRLF. */
export function formatMessage(m: MessageParts): string {
  const headers = [
    `From: ${formatMailbox(m.from)}`,
    `To: ${formatMailbox(m.to)}`,
    `Subject: ${headerText(m.subject, 78 - "Subject: ".length)}`,
    `Date: ${mailDate(m.date)}`,
    `Message-ID: ${m.messageId}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
  ];
  const body = quotedPrintable(m.text);
  // A text that ends with a line break already ends its last line.
  return `${headers.join("\r\n")}\r\n\r\n${body}${body === "" || body.endsWith("\r\n") ? "" : "\r\n"}`;
}
