// The committed schema file is the schema the API serves: a change to the resolvers that is not
// regenerated (npm run graphql:schema) fails here, so every schema change shows in review.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { printClinicSchema, SCHEMA_FILE } from '../src/api/graphql/schema-file';

describe('clinic GraphQL schema file', () => {
  it('matches the resolvers', async () => {
    const [committed, printed] = await Promise.all([readFile(SCHEMA_FILE, 'utf8'), printClinicSchema()]);
    assert.ok(committed === printed, 'src/api/graphql/schema.gql is stale: run `npm run graphql:schema` and commit it');
  });
});
