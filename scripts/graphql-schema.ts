// `npm run graphql:schema`: rewrites src/api/graphql/schema.gql from the resolvers (see schema-file.ts).
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { printClinicSchema, SCHEMA_FILE } from '../src/api/graphql/schema-file';

printClinicSchema()
  .then((sdl) => writeFile(SCHEMA_FILE, sdl))
  .then(() => console.log(`wrote ${SCHEMA_FILE}`))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
