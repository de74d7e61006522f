import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

const SHOP_HOST = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

/** Wraps a fetch so that https://<shop>.myshopify.com/... goes to the stand-in, keeping the shop in a header. */
export function routeToStandin(base: FetchLike, standinUrl: string): FetchLike {
  const target = new URL(standinUrl);
  return (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (!SHOP_HOST.test(url.hostname)) return base(input, init);
    const shop = url.hostname;
    url.protocol = target.protocol;
    url.host = target.host;
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set("X-Standin-Shop", shop);
    if (input instanceof Request) return base(new Request(url, { ...init, headers, method: init?.method ?? input.method, body: init?.body ?? input.body, duplex: "half" } as RequestInit));
    return base(url, { ...init, headers });
  };
}

/**
 * Routes the Shopify library's HTTP calls for *.myshopify.com to the stand-in (STACK.md (d): the
 * GraphQL client forces https://<shop>, so setAbstractFetchFunc is the seam). Returns an undo function.
 */
export function installStandinFetch(standinUrl: string): () => void {
  const previous = abstractFetch as unknown as FetchLike;
  setAbstractFetchFunc(routeToStandin(previous, standinUrl) as never);
  return () => setAbstractFetchFunc(previous as never);
}
