import { useMutation, useQuery } from "@tanstack/react-query";
import { keyhavenQueryKeys, useKeyhaven, type SignInBody, type SignUpBody } from "../keyhaven";

export function useSession() {
  const { client } = useKeyhaven();
  return useQuery({
    queryKey: keyhavenQueryKeys.session(client.baseUrl),
    queryFn: () => client.auth.getSession(),
    staleTime: 60_000,
  });
}

/** Sign in, sign up and sign out; each starts from an empty cache so no user sees another's data. */
export function useAuthActions() {
  const { client, queryClient } = useKeyhaven();
  const sessionKey = keyhavenQueryKeys.session(client.baseUrl);

  // Not queryClient.clear(): that would also detach useSession's observer from the session query.
  const forgetUserData = () => queryClient.removeQueries({ predicate: (q) => q.queryKey[2] !== "session" });

  async function startFresh() {
    forgetUserData();
    const session = await client.auth.getSession();
    queryClient.setQueryData(sessionKey, session);
  }

  const signIn = useMutation({
    mutationFn: async (body: SignInBody) => {
      await client.auth.signIn(body);
      await startFresh();
    },
  });
  const signUp = useMutation({
    mutationFn: async (body: SignUpBody) => {
      await client.auth.signUp(body);
      await startFresh();
    },
  });
  const signOut = useMutation({
    mutationFn: async () => {
      await client.auth.signOut();
      queryClient.setQueryData(sessionKey, null);
      forgetUserData();
    },
  });
  return { signIn, signUp, signOut };
}
