import "@fontsource-variable/inter";
import "./styles/theme.css";
import "./styles/layout.css";
import "./styles/components.css";
import "./styles/keys.css";
import "./styles/usage.css";
import "./styles/tokens.css";
import "./styles/admin.css";
import "./styles/teams.css";
import "./styles/key-files.css";
import "./styles/backups.css";
import "./styles/gateway.css";
import { MutationCache, QueryCache } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import { ApiError, createKeyhavenClient, createKeyhavenQueryClient, keyhavenQueryKeys, KeyhavenProvider } from "./keyhaven";

const client = createKeyhavenClient();
// A 401 anywhere means the session ended (expired, signed out elsewhere): back to sign-in.
function endSessionOn401(error: unknown) {
  if (error instanceof ApiError && error.status === 401) queryClient.setQueryData(keyhavenQueryKeys.session(client.baseUrl), null);
}
const queryClient = createKeyhavenQueryClient({
  queryCache: new QueryCache({ onError: (error, query) => query.queryKey[2] !== "session" && endSessionOn401(error) }),
  mutationCache: new MutationCache({ onError: endSessionOn401 }),
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <KeyhavenProvider client={client} queryClient={queryClient}>
      <App />
    </KeyhavenProvider>
  </StrictMode>,
);
