/**
 * The wrapped data key a stored secret names, read in the same query as the secret: a
 * correlated primary-key lookup on data_keys by id AND the row's owner (alias `k` = api_keys),
 * so a row pointing at another owner's data key gets null and fails to decrypt. The hand-outs
 * and the verification scans all read it this way.
 */
import { sql } from "kysely";

export const wrappedKeyColumn = (dataKeyId: "k.data_key_id" | "v.data_key_id") =>
  sql<string | null>`(select "d"."wrapped_key" from "data_keys" as "d" where "d"."id" = ${sql.ref(dataKeyId)} and "d"."owner_type" = "k"."owner_type" and "d"."owner_id" = "k"."owner_id")`.as(
    "wrapped_key",
  );
