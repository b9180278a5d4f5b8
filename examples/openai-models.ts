/**
 * List the OpenAI models a user's key can see — the server-side code of an app using Keyhaven.
 *
 *   KEYHAVEN_DATA_DIR=./data npx tsx examples/openai-models.ts <userId>
 *
 * Reads the same environment as the server: KEYHAVEN_DATA_DIR or DATABASE_URL,
 * KEYHAVEN_MASTER_KEY (outside production also <dataDir>/master.key), KEYHAVEN_OPENAI_BASE_URL,
 * and OPENAI_API_KEY as the fallback for users without a key of their own.
 */
// In an application: `import { createKeyhaven } from "keyhaven";`
import { createKeyhaven } from "../src/index.js";

const userId = process.argv[2];
if (!userId) {
  console.error("usage: openai-models.ts <userId>");
  process.exit(2);
}

const kh = await createKeyhaven();
try {
  // Key, base URL and auth headers (`Authorization: Bearer …`); undefined when neither the
  // user nor the environment (OPENAI_API_KEY) has a key.
  const cfg = await kh.apiKeyProvider.getServiceConfig(userId, "openai");
  if (!cfg) {
    console.error(`No OpenAI key for user "${userId}": add one in Keyhaven, or set OPENAI_API_KEY as a fallback.`);
    process.exitCode = 1;
  } else {
    const res = await fetch(`${cfg.baseUrl}/models`, { headers: cfg.headers });
    if (!res.ok) {
      // The body is not printed: some providers echo the key in their error messages.
      console.error(`OpenAI answered ${res.status} ${res.statusText} (key source: ${cfg.source})`);
      process.exitCode = 1;
    } else {
      const { data } = (await res.json()) as { data: { id: string }[] };
      console.log(`source: ${cfg.source}`);
      for (const model of data) console.log(`model: ${model.id}`);
    }
  }
} finally {
  // Writes the buffered usage count of the key handed out, and closes the database.
  await kh.close();
}

/*
 * The same with the official SDK (`npm install openai`):
 *
 *   import OpenAI from "openai";
 *   import { createKeyhaven } from "keyhaven";
 *
 *   const kh = await createKeyhaven();
 *   const cfg = await kh.apiKeyProvider.getServiceConfig(userId, "openai");
 *   if (!cfg) throw new Error(`No OpenAI key for ${userId}`);
 *   const openai = new OpenAI({ apiKey: cfg.apiKey, baseURL: cfg.baseUrl });
 *   for await (const model of openai.models.list()) console.log(model.id);
 *   await kh.close();
 *
 * Or, when only the key is needed and the default endpoint is fine:
 *
 *   import { apiKeyProvider } from "keyhaven"; // ready instance, configured from the environment
 *   const openai = new OpenAI({ apiKey: await apiKeyProvider.getOpenAIApiKey(userId) });
 */
