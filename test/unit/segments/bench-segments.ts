/**
 * Segment figures on the real order histories in ../shared/data (not a test: prints numbers).
 *   npm run bench:segments
 * 1. Churn model holdout: fit on everything before (end − 90 days), then check who ordered in the
 *    last 90 days. AUC of P(order within 90 days) against the recency-only baseline, calibration, and
 *    predicted vs actual 90-day spend.
 * 2. RFM group and lifecycle distribution at the end of each dataset.
 * 3. Speed: parse + check + compile of random rules, and rule evaluation over every customer.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { compileRule } from "~/lib/segments/compiler";
import { createRuleMatcher, type SegmentCustomer } from "~/lib/segments/evaluator";
import { assessCustomers, orderProbabilityWithin, type PurchaseSummary } from "~/lib/segments/lifecycle";
import { scoreRfm } from "~/lib/segments/rfm";
import { parseRule } from "~/lib/segments/rule";
import { arbitraryRule } from "./arbitraries";

const DATA = path.resolve(import.meta.dirname, "../../../../shared/data");
const DAY = 86_400_000;
const WINDOW_DAYS = 90;

interface Order {
  customer: string;
  at: number;
  cents: number;
}

function loadOrders(file: string): Order[] {
  const rows = parse(gunzipSync(readFileSync(path.join(DATA, file))), { columns: true }) as Record<string, string>[];
  const orders = new Map<string, Order>();
  for (const row of rows) {
    let order = orders.get(row.order_id);
    if (!order) {
      order = { customer: row.customer_id, at: Date.parse(row.created_at), cents: 0 };
      orders.set(row.order_id, order);
    }
    if (row.unit_price !== "") order.cents += Math.round(Number(row.quantity) * Number(row.unit_price) * 100);
  }
  return [...orders.values()];
}

function summarise(orders: Order[], before: number): PurchaseSummary[] {
  const byCustomer = new Map<string, PurchaseSummary>();
  for (const order of orders) {
    if (order.at >= before) continue;
    let summary = byCustomer.get(order.customer);
    if (!summary) {
      summary = { id: order.customer, numberOfOrders: 0, amountSpentCents: 0, firstOrderAt: new Date(order.at), lastOrderAt: new Date(order.at) };
      byCustomer.set(order.customer, summary);
    }
    summary.numberOfOrders += 1;
    summary.amountSpentCents += order.cents;
    if (order.at < summary.firstOrderAt!.getTime()) summary.firstOrderAt = new Date(order.at);
    if (order.at > summary.lastOrderAt!.getTime()) summary.lastOrderAt = new Date(order.at);
  }
  return [...byCustomer.values()];
}

/** Mann-Whitney AUC with tie correction: P(score of a positive > score of a negative). */
function auc(scores: number[], labels: boolean[]): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  const rankSum = ranks.reduce((sum, r, i) => sum + (labels[i] ? r : 0), 0);
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function counts(values: (string | null)[]): string {
  const tally = new Map<string, number>();
  for (const value of values) tally.set(value ?? "null", (tally.get(value ?? "null") ?? 0) + 1);
  return [...tally.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${((100 * v) / values.length).toFixed(1)}%`).join(", ");
}

function holdout(name: string, orders: Order[]): void {
  const end = Math.max(...orders.map((o) => o.at));
  const cutoff = end - WINDOW_DAYS * DAY;
  const history = summarise(orders, cutoff);
  const outlook = assessCustomers(history, { now: new Date(cutoff) });
  const future = new Map<string, number>();
  for (const order of orders) if (order.at >= cutoff) future.set(order.customer, (future.get(order.customer) ?? 0) + order.cents);

  const labels = history.map((c) => future.has(c.id));
  const pOrder = outlook.map((o) => orderProbabilityWithin(o, WINDOW_DAYS)!);
  const recency = history.map((c) => -(cutoff - c.lastOrderAt!.getTime()));
  const predictedSpend = outlook.reduce((sum, o, i) => sum + (1 - o.churnRisk!) * (WINDOW_DAYS / o.expectedGapDays!) * (history[i].amountSpentCents / history[i].numberOfOrders), 0);
  const actualSpend = [...future.entries()].filter(([id]) => history.some((c) => c.id === id)).reduce((sum, [, cents]) => sum + cents, 0);
  const observed = labels.filter(Boolean).length / labels.length;
  const meanPredicted = pOrder.reduce((a, b) => a + b, 0) / pOrder.length;

  console.log(`\n## ${name}: holdout, last ${WINDOW_DAYS} days (cutoff ${new Date(cutoff).toISOString().slice(0, 10)})`);
  console.log(`customers with history: ${history.length}; ordered again in window: ${(100 * observed).toFixed(1)}%`);
  console.log(`AUC P(order in ${WINDOW_DAYS}d) from churn model: ${auc(pOrder, labels).toFixed(3)}; recency-only baseline: ${auc(recency, labels).toFixed(3)}`);
  console.log(`calibration: mean predicted ${(100 * meanPredicted).toFixed(1)}% vs observed ${(100 * observed).toFixed(1)}%`);
  if (actualSpend > 0) console.log(`${WINDOW_DAYS}-day spend of these customers: predicted ${(predictedSpend / 100).toFixed(0)} vs actual ${(actualSpend / 100).toFixed(0)} (ratio ${(predictedSpend / actualSpend).toFixed(2)})`);

  const all = summarise(orders, end + 1);
  const now = new Date(end + DAY);
  console.log(`RFM groups at end: ${counts(scoreRfm(all, now).map((r) => r.group))}`);
  console.log(`lifecycle at end: ${counts(assessCustomers(all, { now }).map((o) => o.lifecycleStage))}`);
}

function speed(orders: Order[]): void {
  const end = Math.max(...orders.map((o) => o.at));
  const now = new Date(end + DAY);
  const summaries = summarise(orders, end + 1);
  const outlook = assessCustomers(summaries, { now });
  const rfm = scoreRfm(summaries, now);
  const customers: SegmentCustomer[] = summaries.map((s, i) => ({
    numberOfOrders: s.numberOfOrders,
    amountSpentCents: s.amountSpentCents,
    averageOrderValueCents: Math.round(s.amountSpentCents / s.numberOfOrders),
    firstOrderAt: s.firstOrderAt,
    lastOrderAt: s.lastOrderAt,
    tags: i % 7 === 0 ? ",vip," : ",",
    purchasedProductIds: ",",
    purchasedProductTags: ",",
    purchasedCollections: ",",
    rfmGroup: rfm[i].group,
    lifecycleStage: outlook[i].lifecycleStage,
    churnRisk: outlook[i].churnRisk,
    emailMarketingState: "SUBSCRIBED",
    countryCode: "GB",
  }));
  const rules = fc.sample(arbitraryRule, { numRuns: 1000, seed: 1 });
  let started = performance.now();
  const asts = rules.map((text) => {
    const result = parseRule(text);
    if (!result.ok) throw new Error(text);
    compileRule(result.ast, { now, timeZone: "Europe/London" });
    return result.ast;
  });
  const compileMs = performance.now() - started;
  started = performance.now();
  let matched = 0;
  for (const ast of asts.slice(0, 200)) {
    const matches = createRuleMatcher(ast, { now, timeZone: "Europe/London" });
    for (const customer of customers) if (matches(customer)) matched++;
  }
  const evaluateMs = performance.now() - started;
  console.log(`\n## speed (${customers.length} customers)`);
  console.log(`parse + check + compile: ${((1000 * compileMs) / rules.length).toFixed(0)} µs per rule (mean of ${rules.length}, mean length ${Math.round(rules.reduce((s, r) => s + r.length, 0) / rules.length)} chars)`);
  console.log(`evaluate: ${((200 * customers.length) / (evaluateMs / 1000) / 1e6).toFixed(2)} M customer-rule checks per second (${matched} matches)`);
}

const retail = loadOrders("online_retail.csv.gz");
holdout("online_retail", retail);
holdout("groceries_members", loadOrders("groceries_members.csv.gz"));
speed(retail);
