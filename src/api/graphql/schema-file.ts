// The committed SDL of the clinic's API (src/api/graphql/schema.gql), printed from the same resolvers
// and options the API serves, so a change to the schema shows in review.
import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { join } from 'node:path';
import { CLINIC_RESOLVERS, CLINIC_SCHEMA_OPTIONS } from './clinic-graphql';

const HEADER = '# The clinic API schema (POST /graphql). Generated from the code: `npm run graphql:schema` rewrites it.\n\n';

/** From dist/src/api/graphql back to the source file beside this one. */
export const SCHEMA_FILE = join(__dirname, '..', '..', '..', '..', 'src', 'api', 'graphql', 'schema.gql');

export async function printClinicSchema(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(CLINIC_RESOLVERS, CLINIC_SCHEMA_OPTIONS);
    return HEADER + printSchema(lexicographicSortSchema(schema)) + '\n';
  } finally {
    await app.close();
  }
}
