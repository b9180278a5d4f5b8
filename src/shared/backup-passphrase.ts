/**
 * The shortest passphrase a backup or keys file may be sealed with: the server refuses shorter
 * ones, the web app's export form says so first. Imports nothing, so the browser bundle can use it.
 */
export const BACKUP_PASSPHRASE_MIN = 12;
