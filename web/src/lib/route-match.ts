/**
 * Path patterns for the route table: `/teams/:teamId/keys` matches `/teams/t1/keys` with
 * `{ teamId: "t1" }`. A segment is either literal or one `:name`; nothing fancier is needed.
 */
export type RouteParams = Readonly<Record<string, string>>;

/** The params when `pathname` fits `pattern` segment for segment; null otherwise. */
export function matchPath(pattern: string, pathname: string): RouteParams | null {
  const want = pattern.split("/");
  const have = pathname.split("/");
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) {
      if (!have[i]) return null;
      let value: string;
      try {
        value = decodeURIComponent(have[i]);
      } catch {
        return null; // A malformed escape is no id of ours.
      }
      params[want[i].slice(1)] = value;
    } else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** The pattern with its params filled in (encoded), e.g. for links. */
export function fillPath(pattern: string, params: RouteParams): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
}
