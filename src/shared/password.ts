/**
 * Password length bounds: better-auth enforces them, the sign-up form checks them first.
 * Imports nothing, so the browser bundle can use them.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
