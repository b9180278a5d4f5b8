import type { ReactNode } from "react";
import { createKeyhavenClient, createKeyhavenQueryClient, KeyhavenProvider } from "../../src/react/index.js";

type Fetch = NonNullable<Parameters<typeof createKeyhavenClient>[0]>["fetch"];

/** A fresh client over `fetch` and a fresh query cache, as a render/renderHook wrapper; the cache too, for tests that read it. */
export function keyhavenWrapper(fetch: Fetch) {
  const client = createKeyhavenClient({ fetch });
  const queryClient = createKeyhavenQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <KeyhavenProvider client={client} queryClient={queryClient}>
      {children}
    </KeyhavenProvider>
  );
  return { wrapper, queryClient };
}
