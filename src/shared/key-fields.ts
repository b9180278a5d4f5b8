/**
 * Longest name and description a key may have: the API's schemas refuse more, the web form
 * stops typing there. Imports nothing, so the browser bundle can use them without zod.
 */
export const KEY_NAME_MAX = 100;
export const KEY_DESCRIPTION_MAX = 500;
