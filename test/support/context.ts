import type { TestDatabase } from "./database";

/** The database the setup file created for the current test file. */
export function testDb(): TestDatabase {
  const db = (globalThis as { __testDb?: TestDatabase }).__testDb;
  if (!db) throw new Error("testDb() is only available in integration tests");
  return db;
}
