/**
 * Who is signed in, as the server's session check hands it to routes and as
 * `GET /api/auth/get-session` shows it to the browser: one shape for both.
 */
import { z } from "zod";

export const sessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
});

/** `GET /api/auth/get-session` when signed in (better-auth's answer; it is `null` when signed out). */
export const sessionSchema = z.object({
  user: sessionUserSchema,
  session: z.object({ id: z.string().optional(), expiresAt: z.string().optional() }).catchall(z.unknown()),
});

export type SessionUser = z.infer<typeof sessionUserSchema>;
export type Session = z.infer<typeof sessionSchema>;
