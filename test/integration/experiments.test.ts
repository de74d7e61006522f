import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { getRunningExperiment } from "~/models/experiments.server";
import { action as newAction } from "~/routes/app.experiments.new";
import { action as detailAction, loader as detailLoader } from "~/routes/app.experiments.$id";
import { testDb } from "../support/context";
import { RequestType, adminRequest, storeOfflineSession } from "../support/shopify";

const SHOP = "experiments-shop.myshopify.com";
const prisma = () => testDb().prisma;

async function call(fn: (args: LoaderFunctionArgs | ActionFunctionArgs) => Promise<unknown>, path: string, init: RequestInit = {}, params: Record<string, string> = {}, shop = SHOP) {
  const request = await adminRequest(shop, path, init, undefined, RequestType.Bearer);
  try {
    return (await fn({ request, params, context: {} })) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

function form(fields: Record<string, string>, arms: { key: string; strategy: string; weight: string }[]) {
  const body = new URLSearchParams(fields);
  for (const arm of arms) {
    body.append("armKey", arm.key);
    body.append("armStrategy", arm.strategy);
    body.append("armWeight", arm.weight);
  }
  return { method: "POST", body };
}

const valid = { name: "For you on product pages", surface: "product", holdoutPct: "10", rolloutPct: "100", baselineConversionPct: "5", minDetectableEffectPct: "10", power: "0.8" };
const oneArm = [{ key: "treatment", strategy: "for_you", weight: "1" }];

describe("experiments: create, validate, start and stop", () => {
  beforeAll(async () => {
    await storeOfflineSession(SHOP);
    await prisma().shop.create({ data: { domain: SHOP, settings: {} } });
  });

  it("refuses bad designs with 422 and a message per field, writing nothing", async () => {
    const response = await call(
      newAction,
      "/app/experiments/new",
      form({ ...valid, name: "", surface: "checkout", holdoutPct: "0", baselineConversionPct: "50", minDetectableEffectPct: "150" }, [
        { key: "holdout", strategy: "for_you", weight: "1" },
        { key: "b", strategy: "magic", weight: "0" },
      ]),
    );
    expect(response.status).toBe(422);
    const { errors } = await response.json();
    expect(errors).toEqual({
      name: "Give the experiment a name",
      surface: "Pick where the recommendations appear: product, home, collection, cart, account",
      "arms.0.key": '"holdout" is reserved for the holdout group',
      "arms.1.strategy": "Pick a strategy for every arm: for_you, bought_together, buy_again, trending, bestsellers, auto",
      "arms.1.weight": "Arm weights must be more than zero",
      holdoutPct: "Keep at least 1% in the holdout so there is a baseline",
    });
    // Cross-field checks run once every field is valid on its own.
    const tooBig = await call(newAction, "/app/experiments/new", form({ ...valid, baselineConversionPct: "50", minDetectableEffectPct: "150" }, oneArm));
    expect(tooBig.status).toBe(422);
    expect((await tooBig.json()).errors).toEqual({ minDetectableEffectPct: "That effect would push conversion past 100%; choose a smaller one" });
    const dup = await call(newAction, "/app/experiments/new", form(valid, [oneArm[0], oneArm[0]]));
    expect(dup.status).toBe(422);
    expect((await dup.json()).errors).toEqual({ "arms.1.key": 'Arm "treatment" is listed twice' });
    expect(await prisma().experiment.count()).toBe(0);
    expect(await prisma().auditLog.count()).toBe(0);
  });

  it("the calculator returns the planned sample; no traffic yet means no duration", async () => {
    const response = await call(newAction, "/app/experiments/new", form({ ...valid, intent: "calculate" }, oneArm));
    expect(response.status).toBe(200);
    // Hand-computed (Python, statistics.NormalDist): p1 = 5%, p2 = 5.5%, k = 9 treated per holdout →
    // 17,596 holdout and 158,364 treated; the whole experiment at a 10/90 split needs 175,960.
    expect(await response.json()).toEqual({ errors: null, plan: { perArm: { control: 17_596, treatment: 158_364, total: 175_960 }, total: 175_960, days: null, enrolledPerDay: 0 } });

    // With 1,000 visitors a day on the surface over the last 28 days, at 50% rollout: ceil(175,960 / 500) days.
    const today = new Date();
    const rows = Array.from({ length: 28 }, (_, i) => ({
      shop: SHOP,
      day: new Date(today.getTime() - (i + 1) * 86_400_000).toISOString().slice(0, 10),
      surface: "product",
      strategy: "for_you",
      segment: "none",
      arm: "treatment",
      visitors: 1_000,
      orders: 50,
    }));
    await prisma().metricDaily.createMany({ data: rows });
    const withTraffic = await call(newAction, "/app/experiments/new", form({ ...valid, rolloutPct: "50", intent: "calculate" }, oneArm));
    expect((await withTraffic.json()).plan).toMatchObject({ days: 352, enrolledPerDay: 500 });
    await prisma().metricDaily.deleteMany({ where: { shop: SHOP } });
  });

  it("creates a draft with its fixed horizon and an audit row, starts it (audited) and exposes it to the proxy", async () => {
    const created = await call(newAction, "/app/experiments/new", form(valid, oneArm));
    expect(created.status).toBe(302);
    const id = created.headers.get("Location")!.split("/").pop()!;
    const row = await prisma().experiment.findFirstOrThrow({ where: { shop: SHOP, id } });
    expect(row).toMatchObject({ name: valid.name, surface: "product", status: "draft", holdoutPct: 10, rolloutPct: 100, targetSampleSize: 175_960, arms: [{ key: "treatment", strategy: "for_you", weight: 1 }] });
    expect(await prisma().auditLog.count({ where: { shop: SHOP, action: "experiment.create", entityId: id } })).toBe(1);
    expect(await getRunningExperiment({ shop: SHOP, surface: "product" })).toBeNull();

    const notStarted = await (await call(detailLoader, `/app/experiments/${id}`, {}, { id })).json();
    expect(notStarted.analysis).toBeNull();

    const start = await call(detailAction, `/app/experiments/${id}`, { method: "POST", body: new URLSearchParams({ intent: "start" }) }, { id });
    expect(start.status).toBe(200);
    const running = await getRunningExperiment({ shop: SHOP, surface: "product" });
    expect(running).toMatchObject({ id, status: "running", arms: [{ key: "treatment", strategy: "for_you", weight: 1 }], holdoutPct: 10 });
    expect(await getRunningExperiment({ shop: "someone-else.myshopify.com", surface: "product" })).toBeNull();
    expect(await prisma().auditLog.findFirst({ where: { shop: SHOP, action: "experiment.start", entityId: id } })).toMatchObject({ before: { status: "draft" } });

    // A second experiment cannot run on the same surface at the same time.
    const second = await call(newAction, "/app/experiments/new", form({ ...valid, name: "Trending" }, [{ key: "t", strategy: "trending", weight: "1" }]));
    const secondId = second.headers.get("Location")!.split("/").pop()!;
    const clash = await call(detailAction, `/app/experiments/${secondId}`, { method: "POST", body: new URLSearchParams({ intent: "start" }) }, { id: secondId });
    expect(clash.status).toBe(409);
    expect((await clash.json()).error).toBe(`"${valid.name}" is already running on this surface; stop it first.`);

    // Just started: no visitors, so the page says so rather than showing a result.
    const page = await (await call(detailLoader, `/app/experiments/${id}`, {}, { id })).json();
    expect(page.analysis.verdict).toEqual({ status: "insufficient_data", message: "Not enough data yet: at least one group has had no visitors yet, so the end date can't be estimated." });
    expect(page.analysis.srm).toBeNull();

    const stop = await call(detailAction, `/app/experiments/${id}`, { method: "POST", body: new URLSearchParams({ intent: "stop" }) }, { id });
    expect(stop.status).toBe(200);
    expect(await getRunningExperiment({ shop: SHOP, surface: "product" })).toBeNull();
    expect(await prisma().auditLog.count({ where: { shop: SHOP, action: "experiment.stop", entityId: id } })).toBe(1);
    const again = await call(detailAction, `/app/experiments/${id}`, { method: "POST", body: new URLSearchParams({ intent: "stop" }) }, { id });
    expect(again.status).toBe(409);
  });

  it("another shop's experiment is a 404", async () => {
    const other = await prisma().experiment.create({ data: { shop: "other.myshopify.com", name: "x", surface: "product", arms: [] } });
    const response = await call(detailLoader, `/app/experiments/${other.id}`, {}, { id: other.id });
    expect(response.status).toBe(404);
    const stop = await call(detailAction, `/app/experiments/${other.id}`, { method: "POST", body: new URLSearchParams({ intent: "stop" }) }, { id: other.id });
    expect(stop.status).toBe(404);
  });
});
