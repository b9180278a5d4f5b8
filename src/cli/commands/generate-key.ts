/** `keyhaven generate-key`: print a new master key; touches no database and no file. */
import { generateMasterKeyBase64 } from "../../crypto/master-keyring.js";

export async function generateKeyCommand(): Promise<void> {
  process.stdout.write(generateMasterKeyBase64() + "\n");
}
