import fc from "fast-check";
import { EMAIL_STATES, LIFECYCLE_STAGES, RFM_GROUPS } from "~/lib/segments/attributes";
import { formatDayNumber, localDayNumber, startOfDay } from "~/lib/segments/dates";
import type { SegmentCustomer } from "~/lib/segments/evaluator";
import { encodeListColumn } from "~/lib/segments/values";

/**
 * Random segment rules and customers for agreement tests: evaluateRule against the compiled
 * Prisma where, here through an in-test interpreter and elsewhere on real SQLite and PostgreSQL.
 * Values come from small pools shared by rules and customers so that equality and day
 * boundaries are hit often, not by luck.
 */

/** The "now" every arbitrary customer's dates are placed around. */
export const ARBITRARY_NOW = new Date("2024-06-15T10:30:00.000Z");

/** Time zones with awkward offsets: half hours, 12:45, and DST changes at midnight (Santiago). */
export const ARBITRARY_TIME_ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/Santiago"] as const;

export const arbitraryTimeZone = fc.constantFrom(...ARBITRARY_TIME_ZONES);

const DAY_MS = 86_400_000;
const TODAY_UTC = Math.floor(ARBITRARY_NOW.getTime() / DAY_MS);

const spaces = fc.constantFrom(" ", " ", "  ", "\n", " \n  ");
const keyword = (word: string) => fc.constantFrom(word, word.toLowerCase());

const MONEY = ["0", "10", "49.99", "50", "100", "100.5", "250"];
const MONEY_CENTS = [0, 1000, 4999, 5000, 10000, 10050, 25000];
const CHURN = ["0", "0.1", "0.25", "0.5", "0.75", "1"];
const TAGS = ["vip", "wholesale", "a_b", "a", "b", "summer_sale", "summer-sale", "café", "x-y", "axb"];
const TAG_VALUES = ["vip", "VIP", " wholesale ", "a_b", "a", "summer_sale", "café", "x-y", "nobody"];
const PRODUCT_IDS = ["1", "2", "3", "123"];
const PRODUCT_TAGS = ["sale", "new_in", "newxin", "gift"];
const COLLECTIONS = ["summer", "winter", "home-decor"];
const COUNTRIES = ["US", "GB", "DE", "FR"];

const quoted = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

const comparison = fc.constantFrom("=", "!=", ">", ">=", "<", "<=");

function ordered(attribute: string, value: fc.Arbitrary<string>, nullable: boolean): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [
    fc.tuple(comparison, value).map(([op, v]) => `${attribute} ${op} ${v}`),
    fc.tuple(keyword("BETWEEN"), value, keyword("AND"), value).map(([b, lo, a, hi]) => `${attribute} ${b} ${lo} ${a} ${hi}`),
  ];
  if (nullable) options.push(fc.constantFrom("IS NULL", "IS NOT NULL", "is not null").map((op) => `${attribute} ${op}`));
  return fc.oneof(...options);
}

const dateValue = fc.oneof(
  fc.integer({ min: -400, max: 5 }).map((k) => formatDayNumber(TODAY_UTC + k)),
  fc.integer({ min: -400, max: 5 }).map((k) => `'${formatDayNumber(TODAY_UTC + k)}'`),
  fc.tuple(fc.integer({ min: 0, max: 30 }), fc.constantFrom("d", "w", "m", "y")).map(([n, unit]) => `-${n}${unit}`),
  fc.integer({ min: 0, max: 3 }).map((n) => `+${n}d`),
  fc.constantFrom("today", "yesterday", "TODAY", "30_days_ago", "12_months_ago", "1_week_ago"),
);

const enumValue = (values: readonly string[]) =>
  fc.tuple(fc.constantFrom(...values), fc.boolean(), fc.boolean()).map(([value, bare, lower]) => {
    const text = lower ? value.toLowerCase() : value;
    return bare ? text : quoted(text);
  });

const enumCondition = (attribute: string, values: readonly string[], nullable: boolean) =>
  fc.oneof(
    fc.tuple(fc.constantFrom("=", "!="), enumValue(values)).map(([op, v]) => `${attribute} ${op} ${v}`),
    ...(nullable ? [fc.constantFrom("IS NULL", "IS NOT NULL").map((op) => `${attribute} ${op}`)] : []),
  );

const membership = (attribute: string, value: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.tuple(fc.constantFrom("CONTAINS", "NOT CONTAINS", "not contains"), value).map(([op, v]) => `${attribute} ${op} ${v}`),
    fc.constantFrom("IS NULL", "IS NOT NULL").map((op) => `${attribute} ${op}`),
  );

const listArgument = (name: string, values: fc.Arbitrary<string>) =>
  fc.array(values, { minLength: 1, maxLength: 3 }).map((list) => `${name}: ${list.length === 1 ? list[0] : `(${list.join(", ")})`}`);

const purchases = fc
  .tuple(
    fc.option(
      fc.oneof(
        listArgument("id", fc.oneof(fc.constantFrom(...PRODUCT_IDS), fc.constantFrom("'sku:ab_1'", "'2'", "'gid://shopify/Product/123'"))),
        listArgument("tag", fc.constantFrom(...PRODUCT_TAGS).map(quoted)),
        listArgument("collection", fc.constantFrom(...COLLECTIONS).map(quoted)),
      ),
      { freq: 4 },
    ),
    fc.constantFrom("=", "!="),
    fc.boolean(),
  )
  .map(([arg, op, value]) => `products_purchased${arg === null ? "" : `(${arg})`} ${op} ${value}`);

/** One random, valid condition as rule text. */
export const arbitraryCondition: fc.Arbitrary<string> = fc.oneof(
  ordered("amount_spent", fc.constantFrom(...MONEY), false),
  ordered("number_of_orders", fc.integer({ min: 0, max: 6 }).map(String), false),
  ordered("average_order_value", fc.constantFrom(...MONEY), false),
  ordered("churn_risk", fc.constantFrom(...CHURN), true),
  ordered("first_order_date", dateValue, true),
  ordered("last_order_date", dateValue, true),
  membership("customer_tags", fc.constantFrom(...TAG_VALUES).map(quoted)),
  purchases,
  enumCondition("rfm_group", RFM_GROUPS, true),
  enumCondition("lifecycle_stage", LIFECYCLE_STAGES, true),
  enumCondition("email_subscription_status", EMAIL_STATES, false),
  membership("customer_countries", fc.constantFrom(...COUNTRIES, "us", "gb").map(quoted)),
);

/** A random valid rule as text: conditions under AND, OR, NOT and parentheses, with mixed case and line breaks. */
export const arbitraryRule: fc.Arbitrary<string> = fc.letrec<{ rule: string }>((tie) => ({
  rule: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    arbitraryCondition,
    fc
      .tuple(fc.array(tie("rule"), { minLength: 2, maxLength: 3 }), keyword("AND"), spaces)
      .map(([parts, word, gap]) => parts.map((p) => `(${p})`).join(`${gap}${word} `)),
    fc
      .tuple(fc.array(tie("rule"), { minLength: 2, maxLength: 3 }), keyword("OR"), spaces)
      .map(([parts, word, gap]) => parts.map((p) => `(${p})`).join(`${gap}${word} `)),
    fc.tuple(keyword("NOT"), tie("rule")).map(([word, inner]) => `${word} (${inner})`),
  ),
})).rule;

function boundaryInstants(): number[] {
  const instants: number[] = [];
  for (const timeZone of ARBITRARY_TIME_ZONES) {
    const today = localDayNumber(ARBITRARY_NOW.getTime(), timeZone);
    for (const k of [0, 1, 2, 7, 14, 29, 30, 31, 90, 365]) {
      const start = startOfDay(today - k, timeZone);
      instants.push(start, start - 1);
    }
  }
  return instants;
}

const instant = fc.oneof(
  fc.constantFrom(...boundaryInstants()),
  fc.integer({ min: ARBITRARY_NOW.getTime() - 420 * DAY_MS, max: ARBITRARY_NOW.getTime() + 2 * DAY_MS }),
);

const listOf = (values: readonly string[]) => fc.subarray([...values]).map(encodeListColumn);

/** A random customer with the Prisma Customer column names the rules read (add shop, id and timestamps to insert it). */
export const arbitraryCustomer: fc.Arbitrary<SegmentCustomer> = fc.record({
  numberOfOrders: fc.integer({ min: 0, max: 7 }),
  amountSpentCents: fc.oneof(fc.constantFrom(...MONEY_CENTS), fc.integer({ min: 0, max: 40_000 })),
  averageOrderValueCents: fc.oneof(fc.constantFrom(...MONEY_CENTS), fc.integer({ min: 0, max: 40_000 })),
  firstOrderAt: fc.option(instant.map((ms) => new Date(ms)), { freq: 4 }),
  lastOrderAt: fc.option(instant.map((ms) => new Date(ms)), { freq: 4 }),
  tags: fc.oneof(listOf(TAGS), fc.constant(",")),
  purchasedProductIds: listOf([...PRODUCT_IDS, "sku:ab_1", "sku:abx1"]),
  purchasedProductTags: listOf(PRODUCT_TAGS),
  purchasedCollections: listOf(COLLECTIONS),
  rfmGroup: fc.option(fc.constantFrom(...RFM_GROUPS), { freq: 4 }),
  lifecycleStage: fc.option(fc.constantFrom(...LIFECYCLE_STAGES), { freq: 4 }),
  churnRisk: fc.option(fc.oneof(fc.constantFrom(...CHURN.map(Number)), fc.double({ min: 0, max: 1, noNaN: true })), { freq: 4 }),
  emailMarketingState: fc.constantFrom(...EMAIL_STATES),
  countryCode: fc.option(fc.constantFrom(...COUNTRIES), { freq: 4 }),
});
