/**
 * Which URL reaches which service: each provider's `gateway` adapter is the one source, and the
 * web app's list of services without a gateway agrees with it.
 */
import { describe, expect, it } from "vitest";
import { GATEWAY_PATHS, parseGatewayTarget } from "../../src/gateway/gateway-targets.js";
import { listServices } from "../../src/services/index.js";
import { SERVICES_WITHOUT_GATEWAY } from "../../src/shared/limits.js";

describe("gateway targets", () => {
  it("every base URL of the contract, and what follows it", () => {
    expect(GATEWAY_PATHS.map((p) => p.path).sort()).toEqual(
      ["/gateway/anthropic/v1", "/gateway/custom/:keyId", "/gateway/google/v1beta", "/gateway/groq/openai/v1", "/gateway/openai/v1", "/gateway/xai/v1"].sort(),
    );
    expect(parseGatewayTarget("/gateway/openai/v1/chat/completions?x=1")).toMatchObject({ service: "openai", format: "openai", rest: "/chat/completions?x=1" });
    expect(parseGatewayTarget("/gateway/groq/openai/v1/models")).toMatchObject({ service: "groq", rest: "/models" });
    expect(parseGatewayTarget("/gateway/google/v1beta/models/gemini-2.0-flash:generateContent")).toMatchObject({ service: "google", format: "gemini" });
    expect(parseGatewayTarget("/gateway/custom/key_abc/v1/chat/completions")).toMatchObject({ service: "custom", keyId: "key_abc", rest: "/v1/chat/completions" });
  });

  it("no match: another prefix, a longer segment, a bad key id", () => {
    expect(parseGatewayTarget("/gateway/openai/v1x/chat")).toBeUndefined();
    expect(parseGatewayTarget("/gateway/mistral/v1")).toBeUndefined();
    expect(parseGatewayTarget("/gateway/custom/../etc")).toBeUndefined();
    expect(parseGatewayTarget("/api/openai/v1")).toBeUndefined();
  });

  it("the services without a gateway are exactly those whose provider has no adapter", () => {
    expect(listServices().filter((s) => !s.gateway).map((s) => s.id)).toEqual([...SERVICES_WITHOUT_GATEWAY]);
  });
});
