import path from "node:path";
import { defineConfig } from "prisma/config";

// Without DATABASE_URL the CLI cannot read the schema and silently falls back to downloading
// a native engine, which fails offline; default to the embedded SQLite file instead.
process.env.DATABASE_URL ??= "file:./prisma/dev.sqlite";
const isPostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPostgres ? path.join("prisma", "postgres", "schema.prisma") : path.join("prisma", "schema.prisma"),
  async adapter() {
    const { migrateAdapter } = await import("./prisma/migrate-adapter.ts");
    return migrateAdapter(process.env.DATABASE_URL!);
  },
});
