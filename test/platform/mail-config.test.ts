/**
 * KEYHAVEN_SMTP_URL and KEYHAVEN_MAIL_FROM: unset means no email; a malformed value stops the
 * start with a message that names the variable and never echoes a password.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.js";
import { StartupError } from "../../src/platform/errors.js";

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: "test", ...env }, "/tmp");

/** The start-up error loadConfig throws for `env`. */
function refusal(env: Record<string, string>): StartupError {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(StartupError);
    return err as StartupError;
  }
  throw new Error("loadConfig accepted it");
}

describe("mail configuration", () => {
  it("unset: no SMTP URL (invitations by link only); the sender defaults to the public URL's host", () => {
    expect(load({}).smtpUrl).toBeUndefined();
    expect(load({ KEYHAVEN_SMTP_URL: "  " }).smtpUrl).toBeUndefined();
    expect(load({}).mailFrom).toBe("Keyhaven <keyhaven@localhost>");
    expect(load({ KEYHAVEN_PUBLIC_URL: "https://keys.example.com:8443/" }).mailFrom).toBe("Keyhaven <keyhaven@keys.example.com>");
  });

  it("takes valid values as given", () => {
    const url = "smtp://mailer%40example.com:p%40ss@mail.example.com:587?starttls=required";
    expect(load({ KEYHAVEN_SMTP_URL: url }).smtpUrl).toBe(url);
    expect(load({ KEYHAVEN_SMTP_URL: "smtps://mail.example.com" }).smtpUrl).toBe("smtps://mail.example.com");
    expect(load({ KEYHAVEN_MAIL_FROM: "Ops <ops@example.com>" }).mailFrom).toBe("Ops <ops@example.com>");
    expect(load({ KEYHAVEN_MAIL_FROM: "ops@example.com" }).mailFrom).toBe("ops@example.com");
  });

  it.each([
    ["https://user:hunter2-secret@mail.example.com", "KEYHAVEN_SMTP_URL must start with smtp:// or smtps://"],
    ["smtp://user:hunter2-secret@mail.example.com?starttls=sometimes", "KEYHAVEN_SMTP_URL ?starttls must be never or required"],
    ["smtp://user:hunter2-secret@", "KEYHAVEN_SMTP_URL"],
    ["not a url hunter2-secret", "KEYHAVEN_SMTP_URL is not a valid URL"],
  ])("KEYHAVEN_SMTP_URL=%s is refused at start, the password never echoed", (url, message) => {
    const err = refusal({ KEYHAVEN_SMTP_URL: url });
    expect(err.exitCode).toBe(78);
    expect(err.message).toContain(message);
    expect(err.message).not.toContain("hunter2");
  });

  it.each(["Keyhaven", "Keyhaven <not-an-address>", "ops@example.com\nBcc: eve@example.com", "a@b.example, c@d.example"])(
    "KEYHAVEN_MAIL_FROM=%j is refused at start",
    (from) => {
      expect(refusal({ KEYHAVEN_MAIL_FROM: from }).message).toMatch(/^KEYHAVEN_MAIL_FROM must be an email address/);
    },
  );
});
