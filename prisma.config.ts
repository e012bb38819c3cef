// Read by the Prisma CLI. Here it only runs `prisma generate` (npm run db:generate); migrations go
// through scripts/db-migrate.ts (see prisma/README.md). The datasource lets `prisma migrate deploy`
// or `prisma migrate status` work against PostgreSQL wherever the CLI's native engine is available.
import { defineConfig } from "prisma/config";

const url = process.env.DATABASE_URL;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(url && /^postgres(ql)?:\/\//.test(url) ? { datasource: { url } } : {}),
});
