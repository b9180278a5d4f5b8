/**
 * The one error every decrypt path throws. The message is deliberately the same whatever
 * went wrong, so it reveals nothing to a caller (or a log) about key, plaintext or input.
 */
export class DecryptionError extends Error {
  constructor() {
    super("Decryption failed");
    this.name = "DecryptionError";
  }
}
