/**
 * Offline evaluation of the recommendation engine against built-in baselines.
 *   npm run eval:recs -- --data <normalised.csv[.gz]> [--k 10] [--no-tune]
 * Each customer's last order is held out; everything else trains. Settings are tuned on a
 * validation split carved the same way from the training orders, never on the test orders.
 */
import { parseArgs } from "node:util";
import { computeRecommendations } from "~/lib/recommend/compute";
import { mergeLayers, productRecommendations } from "~/lib/recommend/fallback";
import { coverage, hitRate, ndcg, type EvalCase } from "~/lib/recommend/metrics";
import { scoreCustomer, type ActivityView, type HistoryLine } from "~/lib/recommend/personal";
import { DEFAULT_REC_SETTINGS, resolveSettings } from "~/lib/recommend/settings";
import type { OrderRecord, ProductInfo, RecItem, RecommendationResult, RecSettings } from "~/lib/recommend/types";
import { ActivityClock } from "./lib/activity-clock";
import { deriveProducts, loadNormalisedOrders } from "./lib/load-normalised";

interface Split {
  train: OrderRecord[];
  test: OrderRecord[];
  /** How the split was made, for the report. */
  mode: "last-order-per-customer" | "time (no repeat customers)";
}

interface Row {
  task: string;
  method: string;
  cases: number;
  hr: number;
  ndcg: number;
  coverage: number;
}

const { values } = parseArgs({
  options: { data: { type: "string" }, k: { type: "string", default: "10" }, "no-tune": { type: "boolean", default: false } },
});
if (!values.data) {
  console.error("usage: npm run eval:recs -- --data <normalised.csv[.gz]> [--k 10] [--no-tune]");
  process.exit(2);
}
const K = Number(values.k);
// The floor for catalogue coverage@K, wherever the catalogue allows it.
const COVERAGE_FLOOR = 0.3;

const loaded = await loadNormalisedOrders(values.data);
const titles = loaded.titles;
const outer = holdOut(loaded.orders);
console.log(`# ${values.data}\n`);
console.log(`${loaded.orders.length} orders; split: ${outer.mode}; ${outer.train.length} train, ${outer.test.length} test orders\n`);

let settings = resolveSettings();
// The buy-again baseline gets its own search over the buy-again knobs: the values that suit the
// hybrid can weaken buy-again alone, which would flatter the hybrid.
let buyAgainSettings = settings;
if (!values["no-tune"]) ({ settings, buyAgainSettings } = tune(outer.train));

const rows = evaluate(outer, settings, undefined, buyAgainSettings);
console.log(`\n| task | method | cases | HR@${K} | NDCG@${K} | coverage@${K} |\n|---|---|---|---|---|---|`);
for (const r of rows) {
  console.log(`| ${r.task} | ${r.method} | ${r.cases} | ${r.hr.toFixed(4)} | ${r.ndcg.toFixed(4)} | ${r.coverage.toFixed(4)} |`);
}
console.log(`\nsettings used: ${changedSettings(settings)}`);
console.log(`buy-again alone: ${changedSettings(buyAgainSettings)}`);

function changedSettings(s: RecSettings): string {
  const changed = (Object.keys(s) as (keyof RecSettings)[]).filter((key) => s[key] !== DEFAULT_REC_SETTINGS[key]);
  return changed.length ? changed.map((key) => `${key}=${s[key]}`).join(", ") : "defaults";
}

/** Each repeat customer's last order is the test set; with too few repeat customers, the last 20% of orders by time. */
function holdOut(orders: readonly OrderRecord[]): Split {
  const sorted = [...orders].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const last = new Map<string, OrderRecord>();
  const counts = new Map<string, number>();
  for (const o of sorted) {
    if (o.customerId === null) continue;
    last.set(o.customerId, o);
    counts.set(o.customerId, (counts.get(o.customerId) ?? 0) + 1);
  }
  const repeaters = [...counts.values()].filter((n) => n >= 2).length;
  if (repeaters < Math.max(20, 0.01 * counts.size)) {
    const cut = Math.floor(sorted.length * 0.8);
    return { train: sorted.slice(0, cut), test: sorted.slice(cut), mode: "time (no repeat customers)" };
  }
  const testIds = new Set<string>();
  for (const [customer, order] of last) if ((counts.get(customer) ?? 0) >= 2) testIds.add(order.id);
  return {
    train: sorted.filter((o) => !testIds.has(o.id)),
    test: sorted.filter((o) => testIds.has(o.id)),
    mode: "last-order-per-customer",
  };
}

function trainModel(train: OrderRecord[], s: RecSettings, parts?: { fbt?: boolean; personal?: boolean; content?: boolean }) {
  const products = deriveProducts({ orders: train, titles });
  const now = train.reduce((m, o) => Math.max(m, o.createdAt), 0);
  const result = computeRecommendations({ orders: train, products, now, settings: s, parts: { trending: true, ...parts } });
  return { result, products };
}

function distinctProducts(o: OrderRecord): string[] {
  return [...new Set(o.lines.map((l) => l.productId))];
}

function popularity(result: RecommendationResult): RecItem[] {
  return result.bestsellers;
}

function ids(list: readonly RecItem[]): string[] {
  return list.map((r) => r.productId);
}

/** Bought-together cases: every product of a held-out basket as the anchor, the rest as relevant. */
function fbtCases(test: OrderRecord[], catalogue: Set<string>, rank: (anchor: string) => string[]): EvalCase[] {
  const cases: EvalCase[] = [];
  for (const o of test) {
    const basket = distinctProducts(o);
    if (basket.length < 2) continue;
    for (const anchor of basket) {
      if (!catalogue.has(anchor)) continue;
      cases.push({ ranked: rank(anchor), relevant: new Set(basket.filter((p) => p !== anchor)) });
    }
  }
  return cases;
}

function histories(train: OrderRecord[]): Map<string, HistoryLine[]> {
  const out = new Map<string, HistoryLine[]>();
  for (const o of train) {
    if (o.customerId === null) continue;
    if (!out.has(o.customerId)) out.set(o.customerId, []);
    for (const l of o.lines) out.get(o.customerId)!.push({ productId: l.productId, createdAt: o.createdAt, orderId: o.id });
  }
  return out;
}

type ForYouRanker = (at: number, h: HistoryLine[], activity: ActivityView) => string[];

/**
 * For-you cases: each held-out order of a customer with training history, scored as of that order's
 * time. Product activity is what the shop's training orders before that time show, as a recompute
 * then would have stored it, not the training set's end: most held-out orders are older than that.
 */
function forYouCases(split: Split, history: Map<string, HistoryLine[]>, s: RecSettings, rank: ForYouRanker): EvalCase[] {
  const cases: EvalCase[] = [];
  const clock = new ActivityClock(split.train, s.trendingHalfLifeDays);
  for (const o of split.test) {
    const h = o.customerId === null ? undefined : history.get(o.customerId);
    if (!h) continue;
    cases.push({ ranked: rank(o.createdAt, h, clock.at(o.createdAt)), relevant: new Set(distinctProducts(o)) });
  }
  return cases;
}

function personalRanker(result: RecommendationResult, s: RecSettings, which: "personal" | "buyAgain"): ForYouRanker {
  return (at, h, activity) => {
    const scored = scoreCustomer({
      history: h,
      neighbours: result.neighbours,
      repurchaseIntervalDays: result.repurchaseIntervalDays,
      defaultRepurchaseIntervalDays: result.defaultRepurchaseIntervalDays,
      repeatRatios: result.repeatRatios,
      activity,
      popularity: result.bestsellers,
      now: at,
      settings: s,
    });
    return ids(mergeLayers([scored[which], popularity(result)], K));
  };
}

function row(task: string, method: string, cases: EvalCase[], catalogueSize: number): Row {
  return {
    task,
    method,
    cases: cases.length,
    hr: hitRate(cases, K),
    ndcg: ndcg(cases, K),
    coverage: coverage(cases.map((c) => c.ranked), catalogueSize, K),
  };
}

type Target = "fbt" | "personal" | "buyAgain";

/** Every row, or only the first row of one target (what the tuner scores). */
function evaluate(split: Split, s: RecSettings, only?: Target, buyAgainSettings = s): Row[] {
  const rows: Row[] = [];
  const personalOnly = only === "personal" || only === "buyAgain";
  const { result, products } = trainModel(split.train, only === "buyAgain" ? buyAgainSettings : s, { content: !personalOnly, personal: only !== "fbt", fbt: !personalOnly });
  const catalogue = new Set(products.map((p) => p.id));
  const n = catalogue.size;
  const pop = popularity(result);
  if (!personalOnly) {
    rows.push(row("bought together", "engine (co-purchase + fallbacks)", fbtCases(split.test, catalogue, (a) => ids(productRecommendations(result, a, { size: K }))), n));
    if (!only) {
      rows.push(row("bought together", "popularity", fbtCases(split.test, catalogue, (a) => ids(mergeLayers([pop], K, new Set([a])))), n));
      const raw = trainModel(split.train, resolveSettings({ ...s, popularityAlpha: 0, shrinkage: 0, halfLifeDays: 0, minPairOrders: 1 }), { personal: false, content: false }).result;
      rows.push(row("bought together", "raw co-occurrence", fbtCases(split.test, catalogue, (a) => ids(mergeLayers([raw.fbt.get(a), pop], K, new Set([a])))), n));
    }
  }
  if (only !== "fbt" && split.mode === "last-order-per-customer") {
    const history = histories(split.train);
    const buyAgainRow = () => row("for you", "buy-again alone", forYouCases(split, history, s, personalRanker(result, buyAgainSettings, "buyAgain")), n);
    if (only === "buyAgain") return [buyAgainRow()];
    rows.push(row("for you", "engine (hybrid)", forYouCases(split, history, s, personalRanker(result, s, "personal")), n));
    if (!only) {
      rows.push(row("for you", "popularity", forYouCases(split, history, s, () => ids(pop.slice(0, K))), n));
      rows.push(buyAgainRow());
      const cfOnly = { ...s, buyAgainWeight: 0, cfWeight: 1, cfRepeatWeight: 1, popularityWeight: 0, activityWeight: 0 };
      rows.push(row("for you", "item-CF alone", forYouCases(split, history, s, personalRanker(result, cfOnly, "personal")), n));
    }
  }
  return rows;
}

/** Coordinate search on a validation split carved from the training orders. */
function tune(train: OrderRecord[]): { settings: RecSettings; buyAgainSettings: RecSettings } {
  const inner = holdOut(train);
  let best = resolveSettings();
  // Catalogue coverage is a requirement, not a tie-breaker: a setting that buys hit rate by showing
  // everyone the same few products is only eligible if the defaults could not reach the floor either.
  const floor = { fbt: 0, personal: 0, buyAgain: 0 };
  for (const only of ["fbt", "personal", "buyAgain"] as const) floor[only] = Math.min(COVERAGE_FLOOR, evaluate(inner, best, only)[0]?.coverage ?? 0);
  const objective = (s: RecSettings, only: Target) => {
    const r = evaluate(inner, s, only)[0];
    if (!r) return 0;
    return (r.coverage >= floor[only] - 1e-9 ? 1 : 0) + r.hr + 1e-3 * r.ndcg;
  };
  const grid: [keyof RecSettings, number[], Target][] = [
    ["popularityAlpha", [0, 0.15, 0.3, 0.5], "fbt"],
    // Geometric grids wide enough that the search can reach either extreme (e.g. a prior that
    // dominates on a tiny catalogue), so no data set is decided by where a grid happened to stop.
    ["shrinkage", [0, 2, 5, 10, 20, 50], "fbt"],
    ["halfLifeDays", [0, 365, 90], "fbt"],
    ["cfPopularityAlpha", [0, 0.2, 0.5], "personal"],
    ["buyAgainDueWeight", [0, 0.5, 1], "personal"],
    ["buyAgainRecencyWeight", [0, 0.5, 1], "personal"],
    ["buyAgainRepeatRateWeight", [0, 0.5, 1, 2], "personal"],
    // Before the hybrid's weights: damping quiet products changes how much room CF and the prior need.
    ["activityWeight", [0, 0.25, 0.5, 1, 2], "personal"],
    ["activityFloor", [0.01, 0.05, 0.2], "personal"],
    ["cfRepeatWeight", [0.05, 0.1, 0.2, 0.4, 1], "personal"],
    ["cfWeight", [0.01, 0.02, 0.05, 0.1, 0.3, 1], "personal"],
    ["popularityWeight", [0, 0.02, 0.05, 0.1, 0.3, 1, 3, 10], "personal"],
  ];
  const buyAgainKnobs = new Set<keyof RecSettings>(["buyAgainDueWeight", "buyAgainRecencyWeight", "buyAgainRepeatRateWeight"]);
  const search = (start: RecSettings, steps: typeof grid, only: (target: Target) => Target, label: string) => {
    let settings = start;
    for (const [key, options, target] of steps) {
      let bestScore = -1;
      let bestValue = settings[key];
      for (const v of [settings[key] as number, ...options.filter((o) => o !== settings[key])]) {
        const score = objective(resolveSettings({ ...settings, [key]: v }), only(target));
        if (score > bestScore + 1e-9) {
          bestScore = score;
          bestValue = v;
        }
      }
      settings = resolveSettings({ ...settings, [key]: bestValue });
      console.log(`tuned ${label}${key} = ${bestValue} (validation HR@${K} ${(bestScore % 1).toFixed(4)})`);
    }
    return settings;
  };
  if (inner.mode !== "last-order-per-customer") grid.splice(3);
  best = search(best, grid, (target) => target, "");
  const buyAgainSettings = search(best, grid.filter(([key]) => buyAgainKnobs.has(key)), () => "buyAgain", "buy-again alone: ");
  return { settings: best, buyAgainSettings };
}

export type { ProductInfo };
