/** A person's keys as a file and back (personal-export.ts, personal-import.ts), built once by app/compose.ts. */
import type { Actor } from "../access/actor.js";
import type { OwnerRef } from "../access/owner.js";
import type { AuditService } from "../audit/audit-service.js";
import type { BackupEncryptorOptions } from "../crypto/backup-stream.js";
import type { KeyService } from "../keys/key-service.js";
import type { ImportReport } from "../shared/api-schemas.js";
import { exportKeysFile, type KeysFile } from "./personal-export.js";
import { importKeysFile } from "./personal-import.js";

export interface KeyFilesDeps {
  keys: KeyService;
  audit: Pick<AuditService, "record">;
  dialect: string;
  now: () => Date;
  encryption?: BackupEncryptorOptions;
}

export function createKeyFiles(deps: KeyFilesDeps) {
  return {
    /** The owner's keys sealed under `passphrase`; only for whoever may reveal them. */
    export: (actor: Actor, owner: OwnerRef, passphrase: string): Promise<KeysFile> => exportKeysFile(deps, actor, owner, passphrase),
    /** A keys file into the owner's keys; `dryRun` only says what would happen. */
    import: (actor: Actor, owner: OwnerRef, file: Uint8Array, passphrase: string, opts: { dryRun: boolean }): Promise<ImportReport> =>
      importKeysFile(deps, actor, owner, file, passphrase, opts),
  };
}

export type KeyFiles = ReturnType<typeof createKeyFiles>;
