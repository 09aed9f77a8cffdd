// The urql client every page uses: POST /graphql with the tab's API key, subscriptions over
// Server-Sent Events at /graphql/stream (graphql-sse) with the same key; a key the API stops accepting
// (revoked) signs the tab out.
import { createClient as createStreamClient } from 'graphql-sse';
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';

export const GRAPHQL_URL = '/graphql';
export const GRAPHQL_STREAM_URL = '/graphql/stream';

export interface StreamEvents {
  /** The live stream broke and is being opened again. */
  onStreamLost?: () => void;
  /** The live stream is open again after a break: what happened meanwhile was not heard. */
  onStreamBack?: () => void;
}

export function createClinicClient(apiKey: string, onUnauthenticated: () => void, events: StreamEvents = {}): Client {
  const stream = createStreamClient({
    url: GRAPHQL_STREAM_URL,
    headers: () => ({ authorization: `Bearer ${apiKey}` }),
    // A restarting API or a dropped network: keep trying (graphql-sse backs off between attempts).
    retryAttempts: Number.MAX_SAFE_INTEGER,
    on: {
      connecting: (reconnecting) => {
        if (reconnecting) events.onStreamLost?.();
      },
      connected: (reconnected) => {
        if (reconnected) events.onStreamBack?.();
      },
    },
  });
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
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: stream.subscribe({ query: request.query ?? '', variables: request.variables }, sink) }),
        }),
      }),
    ],
  });
}
