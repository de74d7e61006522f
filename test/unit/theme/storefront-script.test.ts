// Runs the storefront script in a Node VM against a hand-made minimal page, to pin down consent gating,
// the proxy request, failure hiding and cart attribution without a browser.
import { webcrypto } from "node:crypto";
import vm from "node:vm";
import { describe, expect, test } from "vitest";
import { readExt } from "./helpers";

const SCRIPT = readExt("assets/shopkeeper.js");

type Listener = (ev: unknown) => void;
type Consent = boolean | "throws" | "absent";

function fakeStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, String(v)),
    removeItem: (k: string) => void data.delete(k),
  };
}

function fakeElement(dataset: Record<string, string> = {}) {
  const attrs = new Map<string, string>();
  return {
    dataset,
    hidden: false,
    attrs,
    setAttribute: (k: string, v: string) => void attrs.set(k, v),
    removeAttribute: (k: string) => void attrs.delete(k),
    getAttribute: (k: string) => attrs.get(k) ?? null,
  };
}

function setup(opts: { consent: Consent; designMode?: boolean; local?: Record<string, string>; session?: Record<string, string>; response?: { status: number; body: string } }) {
  const listeners: Record<string, Listener[]> = {};
  const local = fakeStorage(opts.local);
  const session = fakeStorage(opts.session);
  const block = fakeElement({ surface: "product", strategy: "auto", limit: "4", productId: "42", cart: "7,9", proxy: "/apps/shopkeeper" });
  const embed = fakeElement();
  embed.setAttribute("data-product-id", "42");
  const fetches: Array<{ url: string; init?: RequestInit }> = [];
  const beacons: Array<{ url: string; body: unknown }> = [];
  const document = {
    readyState: "complete",
    visibilityState: "visible",
    documentElement: { lang: "en" },
    addEventListener: (type: string, fn: Listener) => void (listeners[type] ??= []).push(fn),
    querySelector: (sel: string) => (sel === "[data-shopkeeper-embed]" ? embed : null),
    querySelectorAll: (sel: string) => (sel.startsWith("[data-shopkeeper]") && !block.attrs.has("data-sk-init") ? [block] : []),
    createElement: (tag: string) => ({ tagName: tag.toUpperCase(), type: "", name: "", value: "" }),
  };
  const privacy =
    opts.consent === "absent"
      ? undefined
      : { analyticsProcessingAllowed: () => { if (opts.consent === "throws") throw new Error("x"); return opts.consent; } };
  const response = opts.response ?? { status: 500, body: "" };
  const window: Record<string, unknown> = {
    document,
    localStorage: local,
    sessionStorage: session,
    Shopify: privacy || opts.designMode ? { customerPrivacy: privacy, designMode: opts.designMode === true } : undefined,
    crypto: webcrypto,
    location: { origin: "https://shop.test" },
    innerHeight: 800,
    addEventListener: () => {},
  };
  const context = vm.createContext({
    window,
    document,
    navigator: { sendBeacon: (url: string, body: string) => (beacons.push({ url, body: JSON.parse(body) }), true) },
    fetch: (url: string, init?: RequestInit) => {
      fetches.push({ url, init });
      return Promise.resolve({ ok: response.status < 300, status: response.status, json: () => Promise.resolve().then(() => JSON.parse(response.body)) });
    },
    setTimeout,
    clearTimeout,
    URL,
    Intl,
    CustomEvent: class {},
  });
  vm.runInContext(SCRIPT, context);
  const settle = () => new Promise((r) => setTimeout(r, 0));
  const submit = (form: unknown) => listeners.submit.forEach((fn) => fn({ target: form }));
  return { window, block, local, session, fetches, beacons, settle, submit };
}

function recommendationParams(url: string) {
  const [path, query] = url.split("?");
  return { path, params: Object.fromEntries(new URLSearchParams(query)) };
}

function fakeForm(action = "/cart/add") {
  const appended: Array<{ name: string; value: string }> = [];
  return {
    appended,
    tagName: "FORM",
    getAttribute: (k: string) => (k === "action" ? action : null),
    querySelector: (sel: string) => (sel === 'input[name="properties[_shopkeeper]"]' ? appended[0] ?? null : null),
    appendChild: (el: { name: string; value: string }) => void appended.push(el),
  };
}

describe("storefront script: recommendation request", () => {
  test("granted consent sends a new visitor id and the page context", async () => {
    const s = setup({ consent: true });
    await s.settle();
    expect(s.fetches).toHaveLength(1);
    const { path, params } = recommendationParams(s.fetches[0].url);
    const visitor = s.local.data.get("shopkeeper:visitor");
    expect(visitor).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(path).toBe("/apps/shopkeeper/recommendations");
    expect(params).toEqual({ surface: "product", strategy: "auto", limit: "4", product_id: "42", cart: "7,9", visitor, consent: "granted" });
  });

  test("denied consent sends no visitor and deletes a stored one", async () => {
    const s = setup({ consent: false, local: { "shopkeeper:visitor": "old" } });
    await s.settle();
    const { params } = recommendationParams(s.fetches[0].url);
    expect(params.consent).toBe("denied");
    expect(params).not.toHaveProperty("visitor");
    expect(s.local.data.has("shopkeeper:visitor")).toBe(false);
  });

  test.each([["absent" as const], ["throws" as const]])("consent API %s gives consent=unknown and no visitor", async (consent) => {
    const s = setup({ consent });
    await s.settle();
    const { params } = recommendationParams(s.fetches[0].url);
    expect(params.consent).toBe("unknown");
    expect(params).not.toHaveProperty("visitor");
  });

  test("a local opt-out overrides granted consent", async () => {
    const s = setup({ consent: true, local: { "shopkeeper:optout": "1", "shopkeeper:visitor": "old" } });
    await s.settle();
    const { params } = recommendationParams(s.fetches[0].url);
    expect(params).toMatchObject({ consent: "denied", optout: "1" });
    expect(params).not.toHaveProperty("visitor");
    expect(s.local.data.has("shopkeeper:visitor")).toBe(false);
  });

  test("locally hidden products widen the request so the block can still fill up", async () => {
    const s = setup({ consent: false, local: { "shopkeeper:hidden": JSON.stringify(["1", "2", "3"]) } });
    await s.settle();
    expect(recommendationParams(s.fetches[0].url).params.limit).toBe("7");
  });

  test.each([
    ["a server error", { status: 500, body: "" }],
    ["invalid JSON", { status: 200, body: "{oops" }],
    ["an empty list", { status: 200, body: JSON.stringify({ items: [] }) }],
    ["a payload without items", { status: 200, body: JSON.stringify({ surface: "product" }) }],
  ])("%s hides the block", async (_name, response) => {
    const s = setup({ consent: true, response });
    await s.settle();
    await s.settle();
    expect(s.block.hidden).toBe(true);
    expect(s.block.attrs.get("data-sk-state")).toBe("failed");
    expect(s.block.attrs.has("aria-busy")).toBe(false);
  });
});

test("in the theme editor a failed block stays visible and nothing is tracked", async () => {
  const s = setup({ consent: true, designMode: true, session: { "shopkeeper:attr": JSON.stringify({ "42": { v: "home|trending|B", r: "r" } }) } });
  await s.settle();
  await s.settle();
  expect(s.block.hidden).toBe(false);
  expect(s.block.attrs.get("data-sk-state")).toBe("failed");
  s.submit(fakeForm());
  (s.window.Shopkeeper as { flush: () => void }).flush();
  expect(s.beacons).toEqual([]);
});

describe("storefront script: attribution and events", () => {
  const remembered = { "42": { v: "home|trending|B", r: "req-7" } };

  test("with consent, an add-to-cart form for a clicked product gets the hidden property and an identified event", async () => {
    const s = setup({ consent: true, session: { "shopkeeper:attr": JSON.stringify(remembered) } });
    await s.settle();
    const form = fakeForm();
    s.submit(form);
    expect(form.appended).toEqual([{ tagName: "INPUT", type: "hidden", name: "properties[_shopkeeper]", value: "home|trending|B" }]);
    (s.window.Shopkeeper as { flush: () => void }).flush();
    expect(s.beacons).toHaveLength(1);
    const body = s.beacons[0].body as { visitor: string; consent: string; events: Array<Record<string, string>> };
    expect(s.beacons[0].url).toBe("/apps/shopkeeper/events");
    expect(body.consent).toBe("granted");
    expect(body.visitor).toBe(s.local.data.get("shopkeeper:visitor"));
    expect(body.events).toHaveLength(1);
    expect(body.events[0]).toMatchObject({ type: "add_to_cart", surface: "home", strategy: "trending", arm: "B", product_id: "42", request_id: "req-7" });
    expect(body.events[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  test("without consent the stored attribution is dropped and the form is left alone", async () => {
    const s = setup({ consent: false, session: { "shopkeeper:attr": JSON.stringify(remembered) } });
    await s.settle();
    const form = fakeForm();
    s.submit(form);
    expect(form.appended).toEqual([]);
    expect(s.session.data.has("shopkeeper:attr")).toBe(false);
    (s.window.Shopkeeper as { flush: () => void }).flush();
    expect(s.beacons).toEqual([]);
  });

  test("forms that do not add to cart are ignored", async () => {
    const s = setup({ consent: true, session: { "shopkeeper:attr": JSON.stringify(remembered) } });
    await s.settle();
    const form = fakeForm("/contact");
    s.submit(form);
    expect(form.appended).toEqual([]);
  });

  test("optOut(true) removes the visitor id and attribution memory; optOut(false) clears the flag", async () => {
    const s = setup({ consent: true, session: { "shopkeeper:attr": JSON.stringify(remembered) } });
    await s.settle();
    expect(s.local.data.has("shopkeeper:visitor")).toBe(true);
    const api = s.window.Shopkeeper as { optOut: (on: boolean) => void; optedOut: () => boolean; consent: () => string };
    api.optOut(true);
    expect(api.optedOut()).toBe(true);
    expect(api.consent()).toBe("denied");
    expect(s.local.data.has("shopkeeper:visitor")).toBe(false);
    expect(s.session.data.has("shopkeeper:attr")).toBe(false);
    api.optOut(false);
    expect(s.local.data.has("shopkeeper:optout")).toBe(false);
    expect(api.consent()).toBe("granted");
  });

  test("the script runs once even when several blocks include it", () => {
    const s = setup({ consent: true });
    const first = s.window.Shopkeeper;
    vm.runInContext(SCRIPT, vm.createContext({ window: s.window, document: {} }));
    expect(s.window.Shopkeeper).toBe(first);
  });
});
