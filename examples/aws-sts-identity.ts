/**
 * Ask AWS STS who a user's stored AWS credentials belong to (GetCallerIdentity) — the
 * server-side code of an app using Keyhaven, signing with SigV4 via `aws4fetch`.
 *
 *   KEYHAVEN_DATA_DIR=./data npx tsx examples/aws-sts-identity.ts <userId>
 *
 * Reads the same environment as the server: KEYHAVEN_DATA_DIR or DATABASE_URL,
 * KEYHAVEN_MASTER_KEY, KEYHAVEN_AWS_BASE_URL (the STS endpoint override), and
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN / AWS_REGION as the fallback.
 */
import { AwsClient } from "aws4fetch";
// In an application: `import { createKeyhaven } from "keyhaven";`
import { createKeyhaven } from "../src/index.js";

const userId = process.argv[2];
if (!userId) {
  console.error("usage: aws-sts-identity.ts <userId>");
  process.exit(2);
}

const kh = await createKeyhaven();
try {
  // { accessKeyId, secretAccessKey, sessionToken?, region, source } — the AWS SDK's shape.
  const creds = await kh.apiKeyProvider.getAWSCredentials(userId);
  if (creds.source === "none" || !creds.accessKeyId || !creds.secretAccessKey) {
    console.error(`No AWS credentials for user "${userId}": add them in Keyhaven, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY as a fallback.`);
    process.exitCode = 1;
  } else {
    // The STS endpoint: https://sts.<region>.amazonaws.com, or the operator's KEYHAVEN_AWS_BASE_URL.
    // (Each hand-out counts one use, so this run counts two; an app that always talks to real
    // AWS can skip this call and let its client pick the endpoint from the region.)
    const sts = await kh.apiKeyProvider.getServiceConfig(userId, "aws");
    const baseUrl = sts?.baseUrl ?? `https://sts.${creds.region}.amazonaws.com`;

    const aws = new AwsClient({
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      region: creds.region,
      service: "sts", // explicit: a custom endpoint's hostname says neither service nor region
      retries: 0,
    });
    const res = await aws.fetch(`${baseUrl}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    const xml = await res.text();
    if (!res.ok) {
      const code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? "unknown error";
      console.error(`STS answered ${res.status}: ${code} (credentials source: ${creds.source})`);
      process.exitCode = 1;
    } else {
      console.log(`source: ${creds.source}`);
      console.log(`region: ${creds.region}`);
      console.log(`arn: ${/<Arn>([^<]*)<\/Arn>/.exec(xml)?.[1]}`);
    }
  }
} finally {
  // Writes the buffered usage counts and closes the database.
  await kh.close();
}

/*
 * With the official SDK (`npm install @aws-sdk/client-s3`), the credentials go straight in:
 *
 *   import { S3Client, ListBucketsCommand } from "@aws-sdk/client-s3";
 *   import { createKeyhaven } from "keyhaven";
 *
 *   const kh = await createKeyhaven();
 *   const creds = await kh.apiKeyProvider.getAWSCredentials(userId);
 *   if (creds.source === "none") throw new Error(`No AWS credentials for ${userId}`);
 *   const s3 = new S3Client({
 *     region: creds.region,
 *     credentials: {
 *       accessKeyId: creds.accessKeyId!,
 *       secretAccessKey: creds.secretAccessKey!,
 *       sessionToken: creds.sessionToken,
 *     },
 *   });
 *   const { Buckets } = await s3.send(new ListBucketsCommand({}));
 *   console.log(Buckets?.map((b) => b.Name));
 *   await kh.close();
 */
