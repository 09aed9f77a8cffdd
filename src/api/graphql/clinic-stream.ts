// The clinic API's subscriptions over Server-Sent Events at /graphql/stream (the graphql-sse
// protocol, either of its modes): the same schema, the same Bearer key, rate limit and token limit as
// POST /graphql; subscriptions only, since queries and mutations have their limits and plugins there.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, getOperationAST, parse, validate, type DocumentNode } from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import type { ClinicContext } from './auth/clinic-context';
import { CLINIC_CONTEXT } from '../tokens';
import { MAX_QUERY_TOKENS, type ClinicContextFactory } from './clinic-graphql';
import { ClinicErrorCode } from './clinic-errors';

export const GRAPHQL_STREAM_PATH = '/graphql/stream';

type Refusal = [string, { status: number; statusText: string; headers: Record<string, string> }];

/** An answer before any stream starts, shaped like POST /graphql's errors. */
function refusal(status: number, statusText: string, errors: readonly GraphQLError[], headers: Record<string, string> = {}): Refusal {
  const body = JSON.stringify({ errors: errors.map((e) => ({ message: e.message, extensions: { code: ClinicErrorCode.BadUserInput, ...e.extensions, http: undefined } })) });
  return [body, { status, statusText, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } }];
}

function badRequest(message: string): Refusal {
  return refusal(400, 'Bad Request', [new GraphQLError(message)]);
}

@Injectable()
export class ClinicStream {
  private readonly logger = new Logger('clinic-stream');
  private handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;

  constructor(
    private readonly schemaHost: GraphQLSchemaHost,
    @Inject(CLINIC_CONTEXT) private readonly context: ClinicContextFactory,
  ) {}

  /** Built on the first request, once the GraphQL module has built the schema. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The express variant: it takes the body the API's JSON parser has already read.
    this.handler ??= createHandler<{ caller: ClinicContext['caller'] }>({
      schema: this.schemaHost.schema,
      onSubscribe: async (request, params) => {
        let contextValue: ClinicContext;
        try {
          contextValue = await this.context({ req: request.raw });
        } catch (err) {
          if (!(err instanceof GraphQLError)) throw err;
          const http = err.extensions.http as { status: number; headers: Map<string, string> } | undefined;
          const status = http?.status ?? 401;
          return refusal(status, status === 429 ? 'Too Many Requests' : 'Unauthorized', [err], Object.fromEntries(http?.headers ?? []));
        }
        let document: DocumentNode;
        try {
          document = parse(params.query as string, { maxTokens: MAX_QUERY_TOKENS });
        } catch (err) {
          return badRequest(err instanceof Error ? err.message : String(err));
        }
        if (getOperationAST(document, params.operationName)?.operation !== 'subscription') {
          return badRequest(`only subscriptions are served at ${GRAPHQL_STREAM_PATH}; send queries and mutations to POST /graphql`);
        }
        const invalid = validate(this.schemaHost.schema, document);
        if (invalid.length > 0) return refusal(400, 'Bad Request', invalid);
        return { schema: this.schemaHost.schema, document, operationName: params.operationName, variableValues: params.variables, contextValue };
      },
    });
    return this.handler(req, res).catch((err: unknown) => {
      // A stream that ends in error (its key revoked) has sent its headers already: it is closed,
      // and the client's reconnect finds out why.
      this.logger.debug(`stream ended: ${err instanceof Error ? err.message : String(err)}`);
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end();
    });
  }
}
