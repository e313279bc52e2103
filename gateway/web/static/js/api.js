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

  /**
   * One operation answered in parts (`@defer`): `onPart({data, errors})` at each part.
   * An expired token is refreshed once and the operation sent again, like `run`.
   */
  async function inParts(operation, variables, onPart) {
    let seen = 0;
    let expired = false;
    const each = (answer) => {
      // An expired token shows in the first part already; the rest then waits for the retry.
      if (seen++ === 0) expired = session.active && hasCode(answer, "UNAUTHENTICATED");
      if (!expired) onPart(answer);
    };
    const answer = await client.inParts(operation, variables, each);
    if (!expired) return answer;
    if (await session.refresh()) return client.inParts(operation, variables, onPart);
    onPart(answer);
    return answer;
  }

  return { run, one, inParts, session };
}
