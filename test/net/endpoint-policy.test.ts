import { describe, expect, it } from "vitest";
import { assertExternalEndpoint, isInternalEndpoint, isInternalEndpointLiteral } from "../../src/platform/net/endpoint-policy.js";
import { AppError } from "../../src/platform/errors.js";
import { mapLookup } from "../support/map-lookup.js";

describe("custom endpoint policy", () => {
  it("judges literals and internal names without DNS", () => {
    for (const url of ["https://127.0.0.1/", "https://[::1]/", "https://10.1.1.1/", "https://169.254.169.254/", "https://168.63.129.16/", "https://localhost/", "https://a.internal/", "not a url"]) {
      expect(isInternalEndpointLiteral(url), url).toBe(true);
    }
    for (const url of ["https://93.184.216.34/", "https://api.example.com/v1"]) expect(isInternalEndpointLiteral(url), url).toBe(false);
  });

  it("any internal DNS answer makes the endpoint internal; a public one does not", async () => {
    const lookup = mapLookup({ "in.example": ["93.184.216.34", "10.0.0.1"], "out.example": ["93.184.216.34"] });
    expect(await isInternalEndpoint("https://in.example/v1", { lookup })).toBe(true);
    expect(await isInternalEndpoint("https://out.example/v1", { lookup })).toBe(false);
    expect(lookup.asked).toEqual(["in.example", "out.example"]);
  });

  it("a failed or hanging lookup is not a refusal (bounded wait)", async () => {
    expect(await isInternalEndpoint("https://nx.example/", { lookup: mapLookup({}) })).toBe(false);
    const hang = () => new Promise<never>(() => {});
    const started = Date.now();
    expect(await isInternalEndpoint("https://slow.example/", { lookup: hang, timeoutMs: 50 })).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("the refusal names no address", async () => {
    const lookup = mapLookup({ "in.example": ["10.20.30.40"] });
    const err = await assertExternalEndpoint("https://in.example/v1", { lookup }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "VALIDATION_ERROR", message: "config.baseUrl is not allowed: it points to a private or internal address" });
    expect(JSON.stringify({ ...(err as AppError), message: (err as AppError).message })).not.toContain("10.20.30.40");
  });
});
