import { z } from "zod";

/** Every AI service Keyhaven knows. The order is the order the web app lists them in. */
export const SERVICE_IDS = ["openai", "anthropic", "google", "groq", "xai", "aws", "custom"] as const;

export type ServiceId = (typeof SERVICE_IDS)[number];

/** The services whose key is one string (every one but `aws`). */
export type StringServiceId = Exclude<ServiceId, "aws">;

const SERVICE_ID_SET: ReadonlySet<string> = new Set(SERVICE_IDS);

export function isServiceId(x: unknown): x is ServiceId {
  return typeof x === "string" && SERVICE_ID_SET.has(x);
}

export const serviceIdSchema = z.enum(SERVICE_IDS, {
  error: () => `Unknown service; expected one of: ${SERVICE_IDS.join(", ")}`,
});
