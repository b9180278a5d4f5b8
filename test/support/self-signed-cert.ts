/**
 * A throwaway self-signed certificate (P-256, one day) made with the openssl CLI, for TLS test
 * servers. Undefined when openssl is missing: the caller skips its TLS tests.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SelfSignedCertificate {
  key: string;
  cert: string;
}

/** `subjectAltName` as openssl writes it, e.g. "DNS:provider.example" or "IP:127.0.0.1,DNS:localhost". */
export function makeSelfSignedCertificate(commonName: string, subjectAltName: string): SelfSignedCertificate | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keyhaven-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
        "-subj", `/CN=${commonName}`, "-addext", `subjectAltName=${subjectAltName}`,
        "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    return { key: fs.readFileSync(path.join(dir, "key.pem"), "utf8"), cert: fs.readFileSync(path.join(dir, "cert.pem"), "utf8") };
  } catch {
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
