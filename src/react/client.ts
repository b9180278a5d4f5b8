/** Typed fetch client for Keyhaven's REST API and its better-auth routes. No React in here. */
import { LIST_PAGE_MAX } from "../shared/list-page.js";
import { ApiError, apiErrorFromResponse } from "./api-error.js";
import type {
  ApiKey,
  ApiKeyList,
  ApiKeyWithValue,
  CreateKeyBody,
  CreatedToken,
  CreateTokenBody,
  KeyStats,
  KeyVersion,
  RotateKeyBody,
  Session,
  ServiceId,
  ServiceInfo,
  TestKeyBody,
  TestResult,
  TokenInfo,
  UpdateKeyBody,
} from "./types.js";

export interface KeyhavenClientOptions {
  /** Origin (and optional path prefix) of the Keyhaven server; `""` means same origin. */
  baseUrl?: string;
  /** Defaults to the global fetch; tests can pass `app.request`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response> | Response;
  /** `same-origin` by default; use `include` when the server lives on another origin. */
  credentials?: RequestCredentials;
}

export interface SignUpBody {
  email: string;
  password: string;
  name: string;
}

export interface SignInBody {
  email: string;
  password: string;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

export function createKeyhavenClient(options: KeyhavenClientOptions = {}) {
  const baseUrl = (options.baseUrl ?? "").replace(/\/+$/, "");
  const credentials = options.credentials ?? "same-origin";
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));

  async function send(method: Method, path: string, body?: unknown): Promise<Response> {
    const init: RequestInit = { method, credentials, headers: { accept: "application/json" } };
    if (body !== undefined) {
      init.headers = { accept: "application/json", "content-type": "application/json" };
      init.body = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await doFetch(baseUrl + path, init);
    } catch (err) {
      throw new ApiError(0, "NETWORK_ERROR", err instanceof Error ? err.message : "Network request failed");
    }
    if (!res.ok) throw await apiErrorFromResponse(res);
    return res;
  }

  async function json<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const res = await send(method, path, body);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const id = (keyId: string) => encodeURIComponent(keyId);

  /** One page of keys; pass the answer's `nextCursor` back as `cursor` for the next one. */
  function listApiKeysPage(params: { service?: ServiceId; limit?: number; cursor?: string } = {}): Promise<ApiKeyList> {
    const query = new URLSearchParams();
    if (params.service) query.set("service", params.service);
    if (params.limit !== undefined) query.set("limit", String(params.limit));
    if (params.cursor) query.set("cursor", params.cursor);
    const qs = query.toString();
    return json("GET", `/api/api-keys${qs ? `?${qs}` : ""}`);
  }

  return {
    baseUrl,

    listApiKeysPage,
    /** Every key: follows `nextCursor` until the last page, as one list. */
    async listApiKeys(params: { service?: ServiceId } = {}): Promise<ApiKey[]> {
      const all: ApiKey[] = [];
      let cursor: string | undefined;
      do {
        // The largest page the server gives: one request for anyone within the default key limit.
        const page = await listApiKeysPage({ ...params, limit: LIST_PAGE_MAX, cursor });
        all.push(...page.apiKeys);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
    getApiKey(keyId: string): Promise<ApiKey> {
      return json("GET", `/api/api-keys/${id(keyId)}`);
    },
    /** Fetches the secret too; every call is audited by the server. */
    revealApiKey(keyId: string): Promise<ApiKeyWithValue> {
      return json("GET", `/api/api-keys/${id(keyId)}?includeValue=true`);
    },
    createApiKey(body: CreateKeyBody): Promise<ApiKey> {
      return json("POST", "/api/api-keys", body);
    },
    updateApiKey(keyId: string, body: UpdateKeyBody): Promise<ApiKey> {
      return json("PUT", `/api/api-keys/${id(keyId)}`, body);
    },
    async deleteApiKey(keyId: string): Promise<void> {
      await send("DELETE", `/api/api-keys/${id(keyId)}`);
    },
    /** `{ keyId }` tests a saved key; `{ service, value, config? }` tests one before saving. */
    testApiKey(body: TestKeyBody): Promise<TestResult> {
      return json("POST", "/api/api-keys/test", body);
    },
    /** The key's values, newest first: the current one and up to 9 before it (masked). */
    async listApiKeyVersions(keyId: string): Promise<KeyVersion[]> {
      return (await json<{ versions: KeyVersion[] }>("GET", `/api/api-keys/${id(keyId)}/versions`)).versions;
    },
    /** Makes a previous value current again, as a new version. */
    rollbackApiKey(keyId: string, version: number): Promise<ApiKey> {
      return json("POST", `/api/api-keys/${id(keyId)}/rollback`, { version });
    },
    /** `{ value }`: tested with the provider, refused if invalid; `{ automatic: true }`: minted by the provider (AWS). */
    rotateApiKey(keyId: string, body: RotateKeyBody): Promise<ApiKey> {
      return json("POST", `/api/api-keys/${id(keyId)}/rotate`, body);
    },
    getStats(): Promise<KeyStats> {
      return json("GET", "/api/api-keys/stats");
    },
    listServices(): Promise<ServiceInfo[]> {
      return json("GET", "/api/services");
    },

    /** Access tokens: a signed-in session only (a token cannot manage tokens). */
    tokens: {
      async list(): Promise<TokenInfo[]> {
        return (await json<{ tokens: TokenInfo[] }>("GET", "/api/tokens")).tokens;
      },
      /** The answer is the only time the token itself is ever sent. */
      create(body: CreateTokenBody): Promise<CreatedToken> {
        return json("POST", "/api/tokens", body);
      },
      async revoke(tokenId: string): Promise<void> {
        await send("DELETE", `/api/tokens/${id(tokenId)}`);
      },
    },

    auth: {
      signUp(body: SignUpBody): Promise<unknown> {
        return json("POST", "/api/auth/sign-up/email", body);
      },
      signIn(body: SignInBody): Promise<unknown> {
        return json("POST", "/api/auth/sign-in/email", body);
      },
      async signOut(): Promise<void> {
        await send("POST", "/api/auth/sign-out", {});
      },
      async getSession(): Promise<Session | null> {
        const session = await json<Session | null>("GET", "/api/auth/get-session");
        return session && session.user ? session : null;
      },
    },
  };
}

export type KeyhavenClient = ReturnType<typeof createKeyhavenClient>;
