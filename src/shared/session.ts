/**
 * Who is signed in, as `GET /api/auth/get-session` shows it to the browser (better-auth's
 * answer, with `isAdmin` added by auth/auth.ts so the web app knows whether to offer the
 * admin pages; the server decides admin rights again on every admin request).
 */
import { z } from "zod";

export const sessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  /** An instance admin (KEYHAVEN_ADMIN_EMAILS, else the first account). */
  isAdmin: z.boolean(),
});

/** `GET /api/auth/get-session` when signed in (better-auth's answer; it is `null` when signed out). */
export const sessionSchema = z.object({
  user: sessionUserSchema,
  session: z.object({ id: z.string().optional(), expiresAt: z.string().optional() }).catchall(z.unknown()),
});

export type SessionUser = z.infer<typeof sessionUserSchema>;
export type Session = z.infer<typeof sessionSchema>;
