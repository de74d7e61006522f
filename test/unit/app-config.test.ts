import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WEBHOOK_PAYLOAD_SCHEMAS } from "~/lib/sync/webhook-schemas";

const root = path.resolve(import.meta.dirname, "..", "..");
const toml = readFileSync(path.join(root, "shopify.app.toml"), "utf8");

describe("shopify.app.toml", () => {
  const subscriptions = [...toml.matchAll(/(compliance_topics|topics) = \["([^"]+)"\]\s*\n\s*uri = "([^"]+)"/g)].map((m) => ({
    compliance: m[1] === "compliance_topics",
    topic: m[2],
    uri: m[3],
  }));

  it("subscribes to every topic the app processes, each at its own route", () => {
    expect(subscriptions.map((s) => s.topic).sort()).toEqual(Object.keys(WEBHOOK_PAYLOAD_SCHEMAS).sort());
    const routes = new Set(readdirSync(path.join(root, "app/routes")));
    for (const { topic, uri } of subscriptions) {
      expect(uri).toBe(`/webhooks/${topic}`);
      expect(routes.has(`webhooks.${topic.replace("/", ".")}.tsx`), topic).toBe(true);
    }
  });

  it("declares the three compliance topics as compliance topics", () => {
    expect(subscriptions.filter((s) => s.compliance).map((s) => s.topic).sort()).toEqual([
      "customers/data_request",
      "customers/redact",
      "shop/redact",
    ]);
  });

  it("declares the scopes the app asks for and the /apps/shopkeeper proxy", () => {
    const scopes = /scopes = "([^"]+)"/.exec(toml)![1].split(",");
    expect(scopes).toEqual(process.env.SCOPES!.split(","));
    expect(toml).toMatch(/\[app_proxy\][^[]*subpath = "shopkeeper"[^[]*prefix = "apps"/);
  });
});
