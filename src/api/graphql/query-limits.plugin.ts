// Refuses an operation that is too deep or too costly before any resolver runs, so one request
// cannot make the API read thousands of rows or workflows, nor walk the (cyclic) introspection types
// without end.
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { ComplexityEstimatorArgs } from '@nestjs/graphql';
import { ClinicError, ClinicErrorCode } from './clinic-errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './dto/page.args';

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
}

/**
 * The clinic's own types nest at most 5 deep; graphql's standard introspection query, which UI tooling
 * sends, is 15 deep. A page of 100 appointments with every summary field costs about 1,500.
 */
export const CLINIC_QUERY_LIMITS: QueryLimits = { maxDepth: 20, maxComplexity: 3000 };

/**
 * The cost of a paged list: its items' cost times the page size asked for. A size outside 1 to
 * MAX_PAGE_SIZE is refused (BAD_USER_INPUT, naming `first`) before anything is read, so it costs
 * nothing here — and a negative one can never offset the cost of the other fields.
 */
export function pageComplexity({ args, childComplexity }: ComplexityEstimatorArgs): number {
  const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + childComplexity * (first >= 1 && first <= MAX_PAGE_SIZE ? first : 0);
}

export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          if (!operation) return;
          // graphql's validation lets an operation through whose root type the schema lacks (there are no
          // subscriptions); execution would then fail as an internal error.
          if (!schema.getRootType(operation.operation)) {
            throw new GraphQLError(`this API has no ${operation.operation} operations`, {
              extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, http: { status: 400 } },
            });
          }
          const fragments = new Map(
            document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
          );
          const depth = selectionDepth(operation.selectionSet, fragments, new Set());
          if (depth > limits.maxDepth) {
            throw new ClinicError(ClinicErrorCode.QueryTooDeep, `the query is ${depth} levels deep; at most ${limits.maxDepth} are allowed`, {
              http: { status: 400 },
            });
          }
          const complexity = operationComplexity(schema, document, request.operationName ?? undefined, request.variables);
          if (complexity > limits.maxComplexity) {
            throw new ClinicError(
              ClinicErrorCode.QueryTooComplex,
              `the query costs ${complexity}; at most ${limits.maxComplexity} is allowed (ask for smaller pages or fewer fields)`,
              { http: { status: 400 } },
            );
          }
        },
      };
    },
  };
}

/**
 * Variables that do not fit the operation make graphql-query-complexity throw; such an operation
 * fails variable coercion before any resolver runs, so it costs nothing and GraphQL's own error says why.
 */
function operationComplexity(schema: GraphQLSchema, document: DocumentNode, operationName?: string, variables?: Record<string, unknown>): number {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName,
      variables,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    return 0;
  }
}

function selectionDepth(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, inFragments: Set<string>): number {
  let deepest = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(deepest, 1 + (selection.selectionSet ? selectionDepth(selection.selectionSet, fragments, inFragments) : 0));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, inFragments));
    } else {
      const fragment = fragments.get(selection.name.value);
      // A fragment spread inside itself is refused by graphql's own validation; never loop on one here.
      if (!fragment || inFragments.has(fragment.name.value)) continue;
      deepest = Math.max(deepest, selectionDepth(fragment.selectionSet, fragments, new Set([...inFragments, fragment.name.value])));
    }
  }
  return deepest;
}
