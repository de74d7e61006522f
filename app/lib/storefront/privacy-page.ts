import { escapeLiquidHtml } from "~/lib/storefront/response";

/** The proxy prefix Shopify reports (e.g. /apps/shopkeeper), or that default when absent or odd. */
export function proxyPrefix(raw: string | null): string {
  return raw && /^\/[a-z0-9/_-]{1,80}$/i.test(raw) ? raw.replace(/\/$/, "") : "/apps/shopkeeper";
}

/** The privacy page's Liquid/HTML: explanation paragraphs plus an on/off form; every dynamic string is escaped. */
export function privacyPageLiquid({
  paragraphs,
  personalisationOff,
  loggedIn,
  prefix,
  saved,
}: {
  paragraphs: string[];
  /** The stored server-side choice for a logged-in customer; null for guests. */
  personalisationOff: boolean | null;
  loggedIn: boolean;
  prefix: string;
  saved: string | null;
}): string {
  const e = escapeLiquidHtml;
  const status =
    personalisationOff === null
      ? "" // guests: filled in by the script from this device's setting
      : personalisationOff
        ? "Personalisation is off for your account."
        : "Personalisation is on for your account.";
  const savedNote = saved === "on" || saved === "off" ? `<p role="status" data-sk-saved>Your choice is saved: personalisation ${saved === "off" ? "off" : "on"}.</p>` : "";
  return `<div class="page-width sk-privacy" data-sk-privacy data-server-off="${personalisationOff === null ? "" : String(personalisationOff)}">
  <h1>How this shop personalises recommendations</h1>
  ${paragraphs.map((p) => `<p>${e(p)}</p>`).join("\n  ")}
  <h2>Your choice</h2>
  ${savedNote}
  <p data-sk-state>${e(status)}</p>
  <form method="post" action="${e(prefix)}/privacy" data-sk-privacy-form>
    <button type="submit" name="choice" value="off">Turn personalisation off</button>
    <button type="submit" name="choice" value="on">Turn personalisation on</button>
  </form>
  <p>${loggedIn ? "Your choice is stored with your account and on this device." : "Your choice is stored on this device only. Log in to keep it across devices."}</p>
</div>
<script>
(function () {
  var KEY = 'shopkeeper:optout';
  var root = document.querySelector('[data-sk-privacy]');
  var state = root.querySelector('[data-sk-state]');
  function local() { try { return localStorage.getItem(KEY) === '1'; } catch (e) { return false; } }
  function store(off) {
    if (window.Shopkeeper && window.Shopkeeper.optOut) return window.Shopkeeper.optOut(off);
    try { if (off) localStorage.setItem(KEY, '1'); else localStorage.removeItem(KEY); } catch (e) {}
  }
  var server = root.getAttribute('data-server-off');
  var saved = ${saved === "on" || saved === "off" ? `'${saved}'` : "''"};
  if (saved) store(saved === 'off');
  else if (server) store(server === 'true');
  if (!state.textContent) state.textContent = local() ? 'Personalisation is off on this device.' : 'Personalisation is on on this device.';
  root.querySelector('[data-sk-privacy-form]').addEventListener('submit', function (ev) {
    var b = ev.submitter;
    if (b && b.value) store(b.value === 'off');
  });
})();
</script>`;
}
