// The urql client every page uses: POST /graphql with the tab's API key; a key the API stops
// accepting (revoked) signs the tab out.
import { Client, cacheExchange, fetchExchange, mapExchange } from 'urql';

export const GRAPHQL_URL = '/graphql';

export function createClinicClient(apiKey: string, onUnauthenticated: () => void): Client {
  return new Client({
    url: GRAPHQL_URL,
    // POST only: ARO's GraphQL endpoint takes no GET requests.
    preferGetMethod: false,
    // Each page asks again when opened: the front desk always sees what the workflow says now.
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization: `Bearer ${apiKey}` } }),
    exchanges: [
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) onUnauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}
