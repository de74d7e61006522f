/**
 * Imports a Shopify "Export orders" CSV (plain or .gz) for one shop:
 *   npm run import:orders -- --shop <shop.myshopify.com> <orders_export.csv[.gz]>
 * Prints the counts and the row errors; exits 1 when the file cannot be imported at all.
 * Reads .env when present (DATABASE_URL and the app's other settings).
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  options: { shop: { type: "string" }, help: { type: "boolean", short: "h" } },
  allowPositionals: true,
});
const usage = "usage: npm run import:orders -- --shop <shop.myshopify.com> <orders_export.csv[.gz]>";
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.shop || !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(values.shop) || positionals.length !== 1) {
  console.error(usage);
  process.exit(2);
}
const file = positionals[0];
if (!existsSync(file)) {
  console.error(`${file}: no such file`);
  process.exit(1);
}
if (existsSync(".env")) process.loadEnvFile(".env");
process.env.SHOPKEEPER_PROCESS ??= "import";

// Imported after .env is loaded: the app validates its environment when these modules load.
const { importOrderExport, describeRowError, OrderImportFileError } = await import("~/services/order-import.server");
const { default: prisma } = await import("~/db.server");

let exitCode = 0;
const started = performance.now();
try {
  const summary = await importOrderExport({ shop: values.shop, input: file });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${file}: ${summary.ordersImported} orders imported (${summary.linesImported} lines), ` +
      `${summary.ordersUnchanged} unchanged, ${summary.errorCount} row errors in ${seconds}s (sync run ${summary.syncRunId})`,
  );
  for (const error of summary.errors) console.log(`  ${describeRowError(error)}`);
  if (summary.errorCount > summary.errors.length) console.log(`  …and ${summary.errorCount - summary.errors.length} more`);
} catch (error) {
  exitCode = 1;
  if (error instanceof OrderImportFileError) {
    console.error(`${file}: ${error.message}`);
    for (const row of error.errors) console.error(`  ${describeRowError(row)}`);
  } else {
    console.error(error);
  }
} finally {
  await prisma.$disconnect();
}
process.exit(exitCode);
