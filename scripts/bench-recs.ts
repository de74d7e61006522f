/**
 * Recommendation compute benchmark: full-recompute wall time and peak memory, incremental
 * update p99, and a naive SQLite self-join co-occurrence for comparison.
 *   npm run bench:recs [-- --sizes retail,10k,200k,2m] [--sqlite-max 200000]
 * Each size runs in its own child process so peak RSS is that size's alone.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { scoreCoPurchaseAnchors, updateCoPurchaseAnchors } from "~/lib/recommend/co-purchase";
import { computeRecommendations } from "~/lib/recommend/compute";
import { OrderIndexBuilder, type IndexedOrders } from "~/lib/recommend/indexed-orders";
import { scoreCustomer, type HistoryLine } from "~/lib/recommend/personal";
import { decayWeight } from "~/lib/recommend/settings";
import type { OrderRecord, ProductInfo } from "~/lib/recommend/types";
import { deriveProducts, loadNormalisedOrders } from "./lib/load-normalised";
import { quantile } from "./lib/quantile";
import { generateShopPages } from "./lib/synthetic-orders";

const SIZES: Record<string, { orders: number; products: number } | "retail"> = {
  retail: "retail",
  "10k": { orders: 10_000, products: 1_000 },
  "200k": { orders: 200_000, products: 10_000 },
  "2m": { orders: 2_000_000, products: 50_000 },
};
const RETAIL = "/work/shared/data/online_retail.csv.gz";
const INCREMENTAL_SAMPLES = 1_000;

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "retail,10k,200k,2m" },
    one: { type: "string" },
    "sqlite-max": { type: "string", default: "200000" },
    data: { type: "string", default: RETAIL },
  },
});

interface Figures {
  size: string;
  orders: number;
  products: number;
  customers: number;
  computeMs: number;
  stages: Record<string, number>;
  inputRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  pairUpdates: number;
  pairsPerSec: number;
  incrementalP50: number;
  incrementalP99: number;
  incrementalMax: number;
  /** Share of the sampled orders' anchors whose state could not be used and were recounted. */
  recountShare: number;
  sqliteMs?: number;
  sqlitePairs?: number;
}

if (values.one) {
  const figures = await runOne(values.one);
  process.stdout.write(`@@${JSON.stringify(figures)}\n`);
} else {
  const rows: Figures[] = [];
  for (const size of values.sizes!.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (!(size in SIZES)) throw new Error(`unknown size ${size}; use ${Object.keys(SIZES).join(", ")}`);
    process.stderr.write(`running ${size}…\n`);
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], "--one", size, "--sqlite-max", values["sqlite-max"]!, "--data", values.data!], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 26,
    });
    const line = child.stdout.split("\n").find((l) => l.startsWith("@@"));
    if (child.status !== 0 || !line) throw new Error(`${size} failed (exit ${child.status})`);
    rows.push(JSON.parse(line.slice(2)));
  }
  console.log("\n| shop | orders | products | full recompute | peak RSS | peak heap | co-purchase pair updates/s | incremental p50 / p99 / max (anchors recounted) | SQLite self-join | ratio |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const sqlite = r.sqliteMs === undefined ? "skipped" : `${(r.sqliteMs / 1000).toFixed(2)} s (${(r.sqlitePairs! / (r.sqliteMs / 1000) / 1e6).toFixed(2)} M pairs/s)`;
    const ratio = r.sqliteMs === undefined ? "" : `${(r.sqliteMs / r.stages["co-purchase"]).toFixed(1)}× slower than our co-purchase stage`;
    console.log(
      `| ${r.size} | ${r.orders} | ${r.products} | ${(r.computeMs / 1000).toFixed(2)} s | ${r.peakRssMb.toFixed(0)} MB (input ${r.inputRssMb.toFixed(0)} MB) | ${r.peakHeapMb.toFixed(0)} MB | ${(r.pairsPerSec / 1e6).toFixed(1)} M | ${r.incrementalP50.toFixed(2)} / ${r.incrementalP99.toFixed(2)} / ${r.incrementalMax.toFixed(0)} ms (${(100 * r.recountShare).toFixed(1)} %) | ${sqlite} | ${ratio} |`,
    );
  }
  console.log("\nstage times (ms):");
  for (const r of rows) console.log(`  ${r.size}: ${Object.entries(r.stages).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`);
}

async function runOne(size: string): Promise<Figures> {
  const spec = SIZES[size];
  // Orders are packed into typed arrays page by page, as the recompute job reads them from the
  // database, so they never all exist as objects; packing time counts towards the recompute.
  const builder = new OrderIndexBuilder();
  let packMs = 0;
  const addPage = (page: readonly OrderRecord[]) => {
    const t = performance.now();
    for (const o of page) builder.add(o);
    packMs += performance.now() - t;
  };
  let products: ProductInfo[];
  if (spec === "retail") {
    const loaded = await loadNormalisedOrders(values.data!);
    products = deriveProducts(loaded);
    for (let i = 0; i < loaded.orders.length; i += 5_000) addPage(loaded.orders.slice(i, i + 5_000));
  } else {
    products = generateShopPages({ ...spec, seed: 7 }, addPage);
  }
  globalThis.gc?.();
  const inputRss = process.memoryUsage().rss;
  let peakHeap = 0;
  let peakRss = inputRss;
  const stages: Record<string, number> = {};
  let stage = "";
  let stageStart = performance.now();
  const started = performance.now();
  const data = builder.build(products);
  stages.pack = packMs + (performance.now() - started);
  const now = data.orderTimes.length > 0 ? data.orderTimes[data.orderTimes.length - 1] : 0;
  const result = computeRecommendations({
    indexed: data,
    products,
    now,
    onProgress: (_f, s) => {
      const m = process.memoryUsage();
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakRss = Math.max(peakRss, m.rss);
      if (s !== stage) {
        if (stage) stages[stage] = performance.now() - stageStart;
        stage = s;
        stageStart = performance.now();
      }
    },
  });
  const computeMs = performance.now() - started + packMs;
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

  // The worker is a long-lived process: the first pass warms the JIT up, the second is timed.
  measureIncremental(data, products, result, now);
  const incremental = measureIncremental(data, products, result, now);
  const figures: Figures = {
    size,
    orders: data.orderTimes.length,
    products: result.stats.products,
    customers: result.stats.customers,
    computeMs,
    stages,
    inputRssMb: inputRss / 1e6,
    peakRssMb: peakRss / 1e6,
    peakHeapMb: peakHeap / 1e6,
    pairUpdates: result.stats.pairUpdates,
    pairsPerSec: 0,
    incrementalP50: incremental.p50,
    incrementalP99: incremental.p99,
    incrementalMax: incremental.max,
    recountShare: incremental.recountShare,
  };
  // Pair throughput of the bought-together stage alone, comparable with the SQL self-join.
  const coPurchasePairs = countBasketPairs(data);
  figures.pairsPerSec = coPurchasePairs / (stages["co-purchase"] / 1000);
  if (data.orderTimes.length <= Number(values["sqlite-max"])) {
    const sql = sqliteSelfJoin(data);
    figures.sqliteMs = sql.ms;
    figures.sqlitePairs = sql.pairs;
  }
  return figures;
}

/** Ordered pair updates a full co-occurrence count makes (Σ n(n−1) over baskets). */
function countBasketPairs(data: IndexedOrders): number {
  let pairs = 0;
  for (let r = 0; r < data.orderTimes.length; r++) {
    const n = data.baskets.ptr[r + 1] - data.baskets.ptr[r];
    pairs += n * (n - 1);
  }
  return pairs;
}

function basketIds(data: IndexedOrders, r: number): string[] {
  return Array.from(data.baskets.items.subarray(data.baskets.ptr[r], data.baskets.ptr[r + 1]), (i) => data.productIds[i]);
}

/**
 * Simulates the job after each of 1,000 new orders (copies of orders spread over the history, placed a
 * second after the recompute): updates every anchor of the order from its state (recounting the ones
 * that need it) and re-scores the customer. Times the scoring only; the database reads are stood in
 * for by arrays gathered before the clock starts, cut the way the job's queries cut them (each
 * anchor's window holds only the order's products).
 */
function measureIncremental(data: IndexedOrders, products: readonly ProductInfo[], result: ReturnType<typeof computeRecommendations>, now: number) {
  const catalogue = new Map(products.map((p) => [p.id, p]));
  const states = new Map(result.fbtStates.entries());
  const cap = result.settings.maxAnchorOrders;
  const at = now + 1_000;
  const decay = decayWeight(at - now, result.settings.halfLifeDays);
  const nOrders = data.orderTimes.length;
  const samples: number[] = [];
  let anchorsSeen = 0;
  let recounted = 0;
  // 1,000 samples put p99 at the tenth slowest order; with 200 it would be the second slowest, mostly noise.
  const step = Math.max(1, Math.floor(nOrders / INCREMENTAL_SAMPLES));
  for (let k = 0; k < INCREMENTAL_SAMPLES && k * step < nOrders; k++) {
    const r = k * step;
    const productIds = basketIds(data, r);
    const customer = data.orderCustomer[r];
    const weights = new Map(productIds.map((id) => [id, (result.itemOrderWeights.get(id) ?? 0) * decay + 1]));
    // Each order is read once, however many of the new order's products it holds; the new order takes
    // one place in each anchor's window, so the oldest order there leaves it.
    const windowRows = new Map<string, Int32Array>();
    const anchors = productIds.map((id) => {
      const a = data.productIndex.get(id)!;
      const start = data.ordersByProduct.ptr[a];
      const end = data.ordersByProduct.ptr[a + 1];
      const window = data.ordersByProduct.items.subarray(Math.max(start, end - cap + 1), end);
      windowRows.set(id, window);
      const leaving = end - cap >= start ? data.ordersByProduct.items[end - cap] : -1;
      return {
        id,
        title: catalogue.get(id)?.title,
        state: states.get(id) ?? null,
        anchorWeight: weights.get(id)!,
        window: { orders: window.length + 1, oldest: window.length > 0 ? data.orderTimes[window[0]] : at },
        dropped: leaving >= 0 ? { productIds: basketIds(data, leaving), createdAt: data.orderTimes[leaving] } : null,
      };
    });
    const rowsOf = (ids: readonly { id: string }[]) => new Set(ids.flatMap(({ id }) => [...windowRows.get(id)!]));
    const position = new Map(productIds.map((id, i) => [id, i]));
    const windows = [...rowsOf(anchors)].map((row) => ({ items: basketIds(data, row).flatMap((id) => (position.has(id) ? [position.get(id)!] : [])), createdAt: data.orderTimes[row] }));
    windows.push({ items: productIds.map((_, i) => i), createdAt: at });
    const history: HistoryLine[] = [];
    if (customer >= 0) {
      for (let j = data.ordersByCustomer.ptr[customer]; j < data.ordersByCustomer.ptr[customer + 1]; j++) {
        const row = data.ordersByCustomer.items[j];
        for (const id of basketIds(data, row)) history.push({ productId: id, createdAt: data.orderTimes[row], orderId: `o${row}` });
      }
      for (const id of productIds) history.push({ productId: id, createdAt: at, orderId: `new-${k}` });
    }
    const isEligible = (id: string) => catalogue.get(id)?.published ?? false;
    const t0 = performance.now();
    const updated = updateCoPurchaseAnchors({ order: { productIds, createdAt: at }, anchors, baskets: windows, now: at, settings: result.settings, isEligible });
    const recount = anchors.filter((a) => !updated.get(a.id));
    let readMs = 0;
    if (recount.length > 0) {
      // The recount's reads: every order of the recounted anchors' windows, whole.
      const readStart = performance.now();
      const full = [...rowsOf(recount)].map((row) => ({ productIds: basketIds(data, row), createdAt: data.orderTimes[row] }));
      full.push({ productIds, createdAt: at });
      readMs = performance.now() - readStart;
      scoreCoPurchaseAnchors({
        anchors: recount,
        baskets: full,
        itemOrderWeights: weights,
        totalOrderWeight: result.totalOrderWeight * decay + 1,
        now: at,
        settings: result.settings,
        isEligible,
        states: new Map(),
      });
    }
    if (history.length > 0) {
      scoreCustomer({
        history,
        neighbours: result.neighbours,
        repurchaseIntervalDays: result.repurchaseIntervalDays,
        defaultRepurchaseIntervalDays: result.defaultRepurchaseIntervalDays,
        repeatRatios: result.repeatRatios,
        activity: result.activity,
        now: at,
        settings: result.settings,
        popularity: result.bestsellers,
      });
    }
    samples.push(performance.now() - t0 - readMs);
    anchorsSeen += anchors.length;
    recounted += recount.length;
  }
  samples.sort((a, b) => a - b);
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), max: samples[samples.length - 1], recountShare: anchorsSeen > 0 ? recounted / anchorsSeen : 0 };
}

/** The naive approach: co-occurrence counts by a SQL self-join on order lines. */
function sqliteSelfJoin(data: IndexedOrders): { ms: number; pairs: number } {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-recs-"));
  const db = new Database(path.join(dir, "bench.db"));
  try {
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    db.exec("CREATE TABLE line (order_id INTEGER NOT NULL, product_id TEXT NOT NULL)");
    const insert = db.prepare("INSERT INTO line VALUES (?, ?)");
    db.transaction(() => {
      for (let r = 0; r < data.orderTimes.length; r++) for (const id of basketIds(data, r)) insert.run(r, id);
    })();
    db.exec("CREATE INDEX line_order ON line (order_id)");
    const t0 = performance.now();
    const rows = db
      .prepare(
        "SELECT a.product_id AS a, b.product_id AS b, COUNT(*) AS n FROM line a JOIN line b ON a.order_id = b.order_id AND a.product_id <> b.product_id GROUP BY a.product_id, b.product_id",
      )
      .raw()
      .iterate();
    for (const _row of rows) {
      // Drain the cursor: the join only runs as rows are read.
    }
    const ms = performance.now() - t0;
    return { ms, pairs: countBasketPairs(data) };
  } finally {
    db.close();
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}
