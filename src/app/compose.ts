/**
 * The composition root: every service is built here, once. `createRuntime` builds the core from
 * a config — database (migrated), master key (verified against the stored key check), data
 * keys, the key service, usage and stats — and is shared by the server, the CLI and the library,
 * so all three start the same way. `composeServer` adds what only the server needs: sign-in
 * (better-auth, imported only there so the library never loads it), rate limits and the key
 * tester. `http/` receives these finished services and only wires them to routes.
 */
import type { Config } from "../platform/config.js";
import { checkMasterKeys, masterKeyWasUsed } from "../keys/key-check-store.js";
import { loadMasterKey, masterKeyFromEnvironment, previousMasterKeysFromEnvironment } from "../crypto/master-key-loader.js";
import { createMasterKeyring, type MasterKeyring } from "../crypto/master-keyring.js";
import { createOwnerDataKeys, type OwnerDataKeys } from "../keys/data-key-store.js";
import { openDatabase, type DatabaseHandle } from "../db/connect.js";
import { migrateToLatest } from "../db/migrate.js";
import type { Logger } from "../platform/logger.js";
import type { LookupFn } from "../platform/net/dns-lookup.js";
import { createKeyService, type KeyService } from "../keys/key-service.js";
import { createKeyStore } from "../keys/key-store.js";
import { createStatsReader, type StatsReader } from "../usage/stats.js";
import { createTokenService, type TokenService } from "../tokens/token-service.js";
import { createTokenStore } from "../tokens/token-store.js";
import { createUsageRecorder, type UsageRecorder } from "../usage/usage-recorder.js";
import { resolveAuthSecret } from "../auth/auth-secret.js";
import type { Auth } from "../auth/auth.js";
import { createKeyTester, type KeyTester, type KeyTesterOptions } from "../key-test/key-tester.js";
import { createRateLimiter, type RateLimiter } from "../limits/rate-limiter.js";
import { createKeyResolver, type KeyResolver } from "../provider/key-resolver.js";
import { createAuditService, type AuditService } from "../audit/audit-service.js";
import { createAuditReader, type AuditReader } from "../audit/audit-reader.js";
import { startAuditRetention } from "../audit/audit-retention.js";
import { createAuthEvents, type AuthEvents } from "../auth/auth-events.js";
import { createResolveService, type ResolveService } from "../provider/resolve-service.js";
import { createAdminStore } from "../admin/admin-store.js";
import { createAdmins, type Admins } from "../admin/admins.js";
import { createUserAdminService, type UserAdminService } from "../admin/user-admin-service.js";
import { ROTATION_ACTOR } from "../access/actor.js";
import type { AutomaticRotator } from "../rotation/automatic-rotation.js";
import { createAwsIamClient } from "../rotation/aws-iam-client.js";
import { createAwsKeyRotator } from "../rotation/aws-key-rotation.js";
import { createAwsKeyRetirements } from "../rotation/aws-key-retirements.js";
import { createAwsKeyRetirementSweeper, type AwsKeyRetirementSweeper } from "../rotation/aws-key-retirement-sweeper.js";
import { createRotationScheduler, type RotationScheduler } from "../keys/rotation-scheduler.js";
import { createTeamService, type TeamService } from "../teams/team-service.js";
import { createTeamStore } from "../teams/team-store.js";
import { invitationEmail } from "../teams/invitation-email.js";
import { createMailer } from "../platform/mailer.js";
import { isTeamRole } from "../shared/team-roles.js";
import type { InvitationToSend } from "../auth/auth.js";
import { createKeyFiles, type KeyFiles } from "../backup/key-files.js";
import { createBackupScheduler, type BackupSchedulerOptions } from "../backup/backup-scheduler.js";
import { loadScheduledBackupPassphrase } from "../backup/backup-passphrase-file.js";
import { createBackupStatusService, type BackupStatusService } from "../admin/backup-status-service.js";
import type { GatewayService } from "../gateway/gateway-service.js";
import { EXIT, StartupError } from "../platform/errors.js";
import { createLimitStore } from "../limits/limit-store.js";
import { createSpendLimits, type SpendLimits } from "../limits/spend-limits.js";
import { createLimitSubjects } from "../limits/limit-subjects.js";
import { createAlertWebhook } from "../limits/alert-webhook.js";
import { createGatewayLedger, type GatewayLedger } from "../usage/gateway-ledger.js";
import { createGatewayUsageService, type GatewayUsageService } from "../usage/gateway-usage-service.js";
import type { PriceBook } from "../usage/price-book.js";

export interface Runtime {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  keyring: MasterKeyring;
  dataKeys: OwnerDataKeys;
  keys: KeyService;
  /** Buffered hand-out counts, written every `usageFlushIntervalMs` and on close(). */
  usage: UsageRecorder;
  /** `GET /api/api-keys/stats`: key counts and use of one owner, authorized like a list. */
  stats: StatsReader;
  /** Access tokens: create, list, revoke; verify a bearer value into an actor. */
  tokens: TokenService;
  /** Gateway limits on keys, tokens and team members, reserved and settled across instances. */
  limits: SpendLimits;
  /** Which key a user gets for a service: the library's apiKeyProvider and /api/resolve share it. */
  resolver: KeyResolver;
  /** /api/resolve: the resolver for a token or session, with its rules on whose keys. */
  resolve: ResolveService;
  /** The audit log: events appended in their change's transaction (audit-store), read here. */
  audit: AuditService;
  auditReader: AuditReader;
  /** A person's or team's keys as a passphrase-protected file, and such a file back into keys. */
  keyFiles: KeyFiles;
  /** Teams as keys, hand-outs and usage see them: roles, preferred team, per-member usage, deletion. */
  teams: TeamService;
  /** Who the instance admins are (KEYHAVEN_ADMIN_EMAILS, else the first account), read per call. */
  admins: Admins;
  /** Rotates due keys automatically (started by the server only, when a rotator is present). */
  rotationScheduler: RotationScheduler;
  /** The server clock (injectable in tests): expiry, stats and usage days use it. */
  now: () => Date;
  /** DNS for custom endpoints (tests inject one); undefined: the system's. */
  lookup?: LookupFn;
  /** Session signing secret: KEYHAVEN_AUTH_SECRET or derived from the master key at start. */
  authSecret: string;
  /** AWS automatic rotation: the rotator, and the sweeper deleting rotated-out access keys (started by composeServer). */
  awsRotation: { rotator: AutomaticRotator; sweeper: AwsKeyRetirementSweeper };
  /** Flush what is buffered and close the database. Idempotent. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  pgSchema?: string;
  now?: () => Date;
  /** DNS for the custom endpoint check at save (tests inject one); default: the system's. */
  lookup?: LookupFn;
  /** Mints new keys where the provider can (AWS); absent: only manual rotation. */
  automaticRotator?: AutomaticRotator;
  /** How often the server looks for keys due for rotation (default 15 minutes). */
  rotationIntervalMs?: number;
  /** Waits between the AWS rotator's STS checks of a new key (default about 30 s in all); tests pass short ones. */
  awsCheckDelaysMs?: readonly number[];
}

export async function createRuntime(config: Config, logger: Logger, opts: RuntimeOptions = {}): Promise<Runtime> {
  // A missing or malformed KEYHAVEN_MASTER_KEY is refused before any database is created or migrated.
  masterKeyFromEnvironment(config);
  const previousKeys = previousMasterKeysFromEnvironment(config);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgSchema: opts.pgSchema });
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length) logger.info({ migrations: applied }, "database migrated");

    const master = loadMasterKey(config, logger, await masterKeyWasUsed(database.db));
    // Readers accept every configured version (a rotation in progress); new data keys use the current one.
    const masterKeys = [{ version: config.masterKeyVersion, key: master.key }, ...previousKeys];
    await checkMasterKeys(database.db, masterKeys, config.masterKeyVersion, logger);
    const keyring = createMasterKeyring(masterKeys, config.masterKeyVersion);

    const now = opts.now ?? (() => new Date());
    const dataKeys = createOwnerDataKeys({ db: database.db, keyring });
    // AWS automatic rotation: the rotator the key service calls (on demand and when due), and
    // the sweeper that deletes old access keys after the grace period, signing DeleteAccessKey
    // with the key's value at that time.
    const awsIam = createAwsIamClient({ iamBaseUrl: config.awsIamBaseUrl, stsBaseUrl: config.baseUrlOverrides.aws });
    const awsRetirements = createAwsKeyRetirements(database.db, now);
    const automaticRotator = opts.automaticRotator ?? createAwsKeyRotator({
        iam: awsIam,
        retirements: awsRetirements,
        graceHours: config.awsRotationGraceHours,
        checkDelaysMs: opts.awsCheckDelaysMs,
      });
    const audit = createAuditService({ db: database.db, now });
    const teams = createTeamService({ db: database.db, store: createTeamStore(database.db), audit, now });
    const limitSubjects = createLimitSubjects(database.db);
    const limits = createSpendLimits({
      store: createLimitStore(database.db, { named: database.named, reader: database.reader, writer: database.writer }),
      now: () => now().getTime(),
      maxRequestMs: config.gateway.maxRequestMs,
      allowUnpriced: config.gateway.allowUnpriced,
      describe: (subject) => limitSubjects.describe(subject),
      audience: (subject) => limitSubjects.audience(subject),
      onAlert: config.gateway.alertWebhookUrl ? createAlertWebhook(config.gateway.alertWebhookUrl, logger) : undefined,
    });
    const keys = createKeyService({
      store: createKeyStore(database.db, { reader: database.reader, named: database.named }),
      dataKeys,
      now,
      allowHttpHosts: config.allowHttpHosts,
      maxKeysPerOwner: config.maxKeysPerOwner,
      allowPrivateEndpoints: config.allowPrivateEndpoints,
      lookup: opts.lookup,
      automaticRotator,
      teamRoles: teams,
      limits,
    });
    // Started by composeServer only: the library and the CLI never rotate.
    const rotationScheduler = createRotationScheduler({ keys, logger, intervalMs: opts.rotationIntervalMs });
    const awsRotation = {
      rotator: automaticRotator,
      sweeper: createAwsKeyRetirementSweeper({
        retirements: awsRetirements,
        iam: awsIam,
        currentAwsValue: async (owner, keyId) => (await keys.openForRotation(ROTATION_ACTOR, owner, keyId)).value,
        logger,
        intervalMs: 60_000,
        now,
      }),
    };


    const usage = createUsageRecorder({ db: database.db, logger, intervalMs: config.usageFlushIntervalMs, now });

    const admins = createAdmins({ store: createAdminStore(database.db), adminEmails: config.adminEmails });
    const tokens = createTokenService({
      store: createTokenStore(database.db, { reader: database.reader, named: database.named }),
      admins,
      now,
      logger,
      flushIntervalMs: config.usageFlushIntervalMs,
      limits,
    });

    const resolver = createKeyResolver({ keys, usage, config, lookup: opts.lookup });

    let closing: Promise<void> | undefined;
    const close = async () => {
      try {
        await rotationScheduler.stop();
        await Promise.all([usage.close(), tokens.close(), awsRotation.sweeper.close()]);
      } finally {
        await database.close();
      }
    };
    return {
      config,
      logger,
      database,
      keyring,
      dataKeys,
      keys,
      usage,
      stats: createStatsReader(database.db, now, keys.check),
      tokens,
      resolver,
      limits,
      lookup: opts.lookup,
      resolve: createResolveService({ resolver }),
      audit,
      teams,
      auditReader: createAuditReader(database.db, admins, teams.auditTeams),
      keyFiles: createKeyFiles({ keys, audit, dialect: database.dialect, now }),
      admins,
      rotationScheduler,
      now,
      authSecret: resolveAuthSecret(config, master.key),
      awsRotation,
      close: () => (closing ??= close()),
    };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}

/**
 * Invitation emails (KEYHAVEN_SMTP_URL): sent in the background, so a slow mail server never
 * holds the inviter's request; a failure is logged and the invitation's link still works.
 */
function invitationSender(config: Config, logger: Logger) {
  const mailer = createMailer(config.smtpUrl!, { from: config.mailFrom, logger });
  return async (inv: InvitationToSend): Promise<void> => {
    const { subject, text } = invitationEmail({
      teamName: inv.teamName,
      inviterName: inv.inviterName,
      inviterEmail: inv.inviterEmail,
      role: isTeamRole(inv.role) ? inv.role : "member",
      link: `${config.publicUrl}/invite/${encodeURIComponent(inv.id)}`,
      expiresAt: inv.expiresAt,
    });
    void mailer.send({ to: inv.email, subject, text }).catch((err: unknown) => {
      logger.warn({ invitationId: inv.id, err: { message: err instanceof Error ? err.message : String(err) } }, "invitation email not sent; the link still works");
    });
  };
}

/** The services only the HTTP server uses, built on a runtime. */
export interface ServerServices {
  /** Sign-ins, failed sign-ins and sign-outs in the audit log. */
  authEvents: AuthEvents;
  auth: Auth;
  rateLimiter: RateLimiter;
  tester: KeyTester;
  /** An admin's work on accounts: list, add, disable, enable. */
  users: UserAdminService;
  /** The scheduled backups as an admin sees them. */
  backups: BackupStatusService;
  /** /gateway/*: forward with the stored key, meter, enforce limits. */
  gateway: GatewayService;
  /** The gateway's metered requests. */
  ledger: GatewayLedger;
  /** `GET /api/usage`, `GET /api/limits`, a member's limits. */
  gatewayUsage: GatewayUsageService;
  prices: PriceBook;
}

export interface ServerOptions {
  /** Overrides for the key tester (tests shorten the timeout or inject DNS). */
  keyTester?: Partial<KeyTesterOptions>;
  /** Overrides for the backup scheduler (tests shorten its interval and cheapen its key derivation). */
  backupScheduler?: BackupSchedulerOptions;
}

export async function composeServer(runtime: Runtime, opts: ServerOptions = {}): Promise<ServerServices> {
  const { config } = runtime;
  // Read before anything starts: a missing or short passphrase stops the start, not a backup hours later.
  const backupPassphrase = config.backup ? loadScheduledBackupPassphrase(config.backup.passphraseFile) : undefined;
  // Loaded here, not at the top: the library imports this module and must not pull in better-auth.
  const { createAuth } = await import("../auth/auth.js");
  const { createAccountCreator } = await import("../auth/account-creator.js");
  runtime.rotationScheduler.start();
  const auth = createAuth({
    config,
    database: runtime.database,
    secret: runtime.authSecret,
    logger: runtime.logger,
    admins: runtime.admins,
    teams: runtime.teams,
    sendInvitation: config.smtpUrl ? invitationSender(config, runtime.logger) : undefined,
  });
  runtime.awsRotation.sweeper.start();

  // Audit retention: prune at start and hourly (idempotent on several instances); stopped, and
  // any run awaited, before the runtime closes the database.
  const retention = startAuditRetention({ db: runtime.database.db, retentionDays: config.auditRetentionDays, now: runtime.now, logger: runtime.logger });
  // Scheduled backups (KEYHAVEN_BACKUP_DIR): one server of an instance backs up per interval;
  // a backup under way is cancelled, and awaited, before the runtime closes the database.
  const scheduler =
    config.backup && backupPassphrase !== undefined
      ? createBackupScheduler({
          database: runtime.database,
          keyring: runtime.keyring,
          schedule: config.backup,
          passphrase: backupPassphrase,
          now: runtime.now,
          logger: runtime.logger,
          ...opts.backupScheduler,
        })
      : undefined;
  void scheduler?.start();
  // Loaded here, like better-auth: the library never needs the price table or the gateway.
  const { loadPriceBook } = await import("../usage/price-book.js");
  const { createGatewayService } = await import("../gateway/gateway-service.js");
  let prices: PriceBook;
  try {
    prices = await loadPriceBook({ overridesFile: config.gateway.pricesFile });
  } catch (err) {
    throw new StartupError((err as Error).message, EXIT.CONFIG);
  }
  const ledger = createGatewayLedger({ db: runtime.database.db, logger: runtime.logger, intervalMs: config.usageFlushIntervalMs });
  const gateway = createGatewayService({
    tokens: runtime.tokens,
    resolver: runtime.resolver,
    keys: runtime.keys,
    limits: runtime.limits,
    ledger,
    prices,
    config,
    logger: runtime.logger,
    lookup: runtime.lookup,
    now: () => runtime.now().getTime(),
  });

  const closeRuntime = runtime.close.bind(runtime);
  runtime.close = () => Promise.all([retention.stop(), scheduler?.stop()]).then(() => ledger.close()).then(closeRuntime);

  return {
    auth,
    users: createUserAdminService({
      store: createAdminStore(runtime.database.db),
      admins: runtime.admins,
      createAccount: createAccountCreator(auth),
      audit: runtime.audit,
      now: runtime.now,
    }),
    authEvents: createAuthEvents({ db: runtime.database.db, audit: runtime.audit }),
    gateway,
    ledger,
    gatewayUsage: createGatewayUsageService({
      db: runtime.database.db,
      ledger,
      limits: runtime.limits,
      store: createLimitStore(runtime.database.db),
      roleOf: runtime.teams.roleOf,
      now: runtime.now,
    }),
    prices,
    backups: createBackupStatusService({
      db: runtime.database.db,
      admins: runtime.admins,
      schedule: config.backup,
      intervalMs: scheduler?.intervalMs ?? 0,
      staleMs: scheduler?.staleMs,
      now: runtime.now,
    }),
    rateLimiter: createRateLimiter(runtime.database.db, () => runtime.now().getTime()),
    tester: createKeyTester({
      baseUrlOverrides: config.baseUrlOverrides,
      allowPrivateEndpoints: config.allowPrivateEndpoints,
      allowHttpHosts: config.allowHttpHosts,
      now: runtime.now,
      ...opts.keyTester,
    }),
  };
}
