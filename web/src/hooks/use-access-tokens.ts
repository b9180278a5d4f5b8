/**
 * The signed-in person's access tokens on TanStack Query. Only the tokens' descriptions are
 * ever cached; a new token's secret goes to the caller of create and nowhere else.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { keyhavenQueryKeys, useKeyhaven, type CreateTokenBody, type TokenInfo } from "../keyhaven";

// Under the app's "keyhaven" prefix, so signing out (which drops every user query) drops these too.
const tokensKey = (baseUrl: string) => [...keyhavenQueryKeys.all(baseUrl), "tokens"] as const;

export function useAccessTokens() {
  const { client } = useKeyhaven();
  // Last use changes as scripts call in: fetch afresh on every visit to the page.
  return useQuery({ queryKey: tokensKey(client.baseUrl), queryFn: () => client.tokens.list(), staleTime: 0 });
}

/** Patches the cached list with the server's answer at once, then refetches it. */
function useTokenListChange() {
  const { client } = useKeyhaven();
  const queryClient = useQueryClient();
  const key = tokensKey(client.baseUrl);
  return {
    client,
    patch: (change: (tokens: TokenInfo[]) => TokenInfo[]) => queryClient.setQueryData<TokenInfo[]>(key, (tokens) => (tokens ? change(tokens) : tokens)),
    refetch: () => queryClient.invalidateQueries({ queryKey: key }),
  };
}

export function useCreateAccessToken() {
  const { client, patch, refetch } = useTokenListChange();
  return useMutation({
    mutationFn: (body: CreateTokenBody) => client.tokens.create(body),
    onSuccess: ({ accessToken }) => patch((tokens) => [accessToken, ...tokens.filter((t) => t.id !== accessToken.id)]),
    onSettled: refetch,
  });
}

export function useRevokeAccessToken() {
  const { client, patch, refetch } = useTokenListChange();
  return useMutation({
    mutationFn: (id: string) => client.tokens.revoke(id),
    onSuccess: (_, id) => patch((tokens) => tokens.filter((t) => t.id !== id)),
    onSettled: refetch,
  });
}
