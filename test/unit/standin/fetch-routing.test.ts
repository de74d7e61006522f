import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeToStandin } from "../../standin/fetch";
import { startStandin, type Standin } from "../../standin/server";
import { SHOP, tinyStore } from "./fixtures";

const run = promisify(execFile);

describe("routing *.myshopify.com to the stand-in", () => {
  let standin: Standin;
  beforeAll(async () => {
    standin = await startStandin({ store: tinyStore().store });
  });
  afterAll(async () => {
    await standin.close();
  });

  it("rewrites shop URLs only, keeping the path and naming the shop in a header", async () => {
    const seen: { url: string; shop: string | null }[] = [];
    const base = async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push({ url: String(input), shop: new Headers(init?.headers).get("x-standin-shop") });
      return new Response("{}");
    };
    const routed = routeToStandin(base, "http://127.0.0.1:4100");
    await routed(`https://${SHOP}/admin/api/2025-07/graphql.json?x=1`, { method: "POST" });
    await routed("https://example.com/a");
    expect(seen).toEqual([
      { url: "http://127.0.0.1:4100/admin/api/2025-07/graphql.json?x=1", shop: SHOP },
      { url: "https://example.com/a", shop: null },
    ]);
  });

  it("patches fetch in a separate process through the --import preload", async () => {
    const token = standin.issueAccessToken();
    const script = `const r = await fetch("https://${SHOP}/admin/api/2025-07/graphql.json", { method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": "${token}" }, body: JSON.stringify({ query: "{ shop { myshopifyDomain } }" }) }); console.log(JSON.stringify((await r.json()).data));`;
    const { stdout } = await run(process.execPath, ["--import", path.resolve("test/standin/preload-fetch.mjs"), "--input-type=module", "-e", script], {
      env: { ...process.env, SHOPIFY_STANDIN_URL: standin.url },
    });
    expect(JSON.parse(stdout)).toEqual({ shop: { myshopifyDomain: SHOP } });
  });
});
