/** A new team's slug comes from its name plus a short random suffix (better-auth wants slugs unique). */
import { describe, expect, it } from "vitest";
import { randomSlugSuffix, slugBase, teamSlug } from "../../web/src/lib/team-slug";

describe("team slugs", () => {
  it("lowercases the name and joins its words with dashes", () => {
    expect(slugBase("Platform Team")).toBe("platform-team");
    expect(slugBase("  ACME  Corp.  ")).toBe("acme-corp");
    expect(slugBase("R&D / ML (2027)")).toBe("r-d-ml-2027");
  });

  it("takes accents off their letters, and falls back to 'team' when nothing is left", () => {
    expect(slugBase("Café Équipe")).toBe("cafe-equipe");
    expect(slugBase("🚀🚀")).toBe("team");
    expect(slugBase("東京")).toBe("team");
    expect(slugBase("")).toBe("team");
  });

  it("stays short, without a dash at either end", () => {
    const base = slugBase(`${"word ".repeat(30)}`);
    expect(base.length).toBeLessThanOrEqual(40);
    expect(base).not.toMatch(/^-|-$/);
  });

  it("adds the suffix after a dash", () => {
    expect(teamSlug("Platform", "x7k2")).toBe("platform-x7k2");
  });

  it("makes a four-character suffix of lowercase letters and digits, different from call to call", () => {
    expect(randomSlugSuffix(() => new Uint8Array([0, 25, 26, 35]))).toBe("az09");
    const seen = new Set(Array.from({ length: 20 }, () => randomSlugSuffix()));
    for (const s of seen) expect(s).toMatch(/^[a-z0-9]{4}$/);
    expect(seen.size).toBeGreaterThan(15);
    expect(teamSlug("Platform")).toMatch(/^platform-[a-z0-9]{4}$/);
  });
});
