// Talks to POST /graphql as a clinic UI would: plain fetch, a Bearer key, JSON in and out.
export interface GraphqlAnswer {
  status: number;
  headers: Headers;
  // The tests read whatever JSON came back and assert on its shape.
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  errors: { message: string; path?: string[]; extensions: { code: string; [k: string]: any } }[] | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function graphqlClient(baseUrl: string) {
  return async function graphql(key: string | null, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlAnswer> {
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: GraphqlAnswer['errors'] };
    return { status: res.status, headers: res.headers, data: body.data ?? null, errors: body.errors };
  };
}

/** The one error code of an answer that must have failed. */
export function errorCode(answer: GraphqlAnswer): string {
  if (!answer.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(answer.data)}`);
  return answer.errors[0].extensions.code;
}
