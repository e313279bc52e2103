// The page's one way to the gateway: the GraphQL client with the session's token, and one
// retry after a refresh when the token turned out to be expired (a laptop that slept
// through the refresh timer).
import { GraphQLClient, hasCode } from "./graphql.js";
import { RefreshSession } from "./operations.js";
import { Session } from "./session.js";

export function createApi({ onSessionExpired }) {
  let session = null;
  const client = new GraphQLClient({ endpoint: "/graphql", token: () => session?.accessToken() });
  const anonymous = new GraphQLClient({ endpoint: "/graphql" });

  async function exchange(refreshToken) {
    const [result] = await anonymous.batch([{ operation: RefreshSession, variables: { refreshToken } }]);
    return result.data?.refreshSession ?? null;
  }

  session = new Session(exchange, onSessionExpired);

  /** Runs [{operation, variables}] as one batch; answers [{data, errors}]. */
  async function run(calls) {
    const results = await client.batch(calls);
    if (session.active && results.some((r) => hasCode(r, "UNAUTHENTICATED"))) {
      if (await session.refresh()) return client.batch(calls);
    }
    return results;
  }

  /** One operation; its {data, errors}. */
  async function one(operation, variables) {
    const [result] = await run([{ operation, variables }]);
    return result;
  }

  return { run, one, session };
}
