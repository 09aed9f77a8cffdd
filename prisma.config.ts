// Prisma CLI configuration: where the schema and migrations live and which database they target.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://aro@127.0.0.1:5432/aro' },
});
