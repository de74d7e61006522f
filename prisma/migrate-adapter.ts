// Adapter factory used only by the Prisma CLI (prisma.config.ts). The app builds its own client in app/db.server.ts.
export async function migrateAdapter(url: string) {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: url });
  }
  const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
  return new PrismaBetterSQLite3({ url: url.replace(/^file:/, "") });
}
