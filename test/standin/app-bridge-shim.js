// App Bridge stand-in, served by the local Shopify stand-in because cdn.shopify.com is unreachable.
// It covers what the app uses: window.shopify (idToken, toast, config, loading, saveBar, modal),
// a Bearer session token on same-origin fetches, the bounce-page reload, and <ui-nav-menu> shown
// as plain navigation.
(function () {
  "use strict";
  var script = document.currentScript;
  var standinOrigin = script ? new URL(script.src, location.href).origin : location.origin;
  var params = new URLSearchParams(location.search);
  var shop = params.get("shop") || sessionStorage.getItem("standin-shop") || "";
  if (shop) sessionStorage.setItem("standin-shop", shop);
  var host = params.get("host") || sessionStorage.getItem("standin-host") || "";
  if (host) sessionStorage.setItem("standin-host", host);
  var apiKeyMeta = document.querySelector('meta[name="shopify-api-key"]');
  var apiKey = (script && script.getAttribute("data-api-key")) || (apiKeyMeta && apiKeyMeta.getAttribute("content")) || "";
  var originalFetch = window.fetch.bind(window);
  var cached = null;

  function expiryOf(token) {
    try {
      var body = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(body)).exp || 0;
    } catch {
      return 0;
    }
  }
  if (params.get("id_token")) cached = { token: params.get("id_token"), exp: expiryOf(params.get("id_token")) };

  function idToken() {
    if (cached && cached.exp - 10 > Date.now() / 1000) return Promise.resolve(cached.token);
    return originalFetch(standinOrigin + "/admin/session-token?shop=" + encodeURIComponent(shop))
      .then(function (response) {
        if (!response.ok) throw new Error("stand-in refused a session token: " + response.status);
        return response.json();
      })
      .then(function (json) {
        cached = { token: json.token, exp: expiryOf(json.token) };
        return json.token;
      });
  }

  window.fetch = function (input, init) {
    var href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    var url = new URL(href, location.href);
    if (url.origin !== location.origin) return originalFetch(input, init);
    return idToken().then(function (token) {
      var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
      if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + token);
      var merged = Object.assign({}, init || {}, { headers: headers });
      return originalFetch(input instanceof Request ? new Request(input, merged) : input, merged);
    });
  };

  var toastBox = null;
  function showToast(message, options) {
    if (!toastBox) {
      toastBox = document.createElement("div");
      toastBox.setAttribute("data-standin-toasts", "");
      toastBox.style.cssText = "position:fixed;bottom:16px;left:50%;transform:translateX(-50%);z-index:99999;display:flex;flex-direction:column;gap:8px";
      document.body.appendChild(toastBox);
    }
    var toast = document.createElement("div");
    toast.setAttribute("role", "status");
    toast.setAttribute("data-standin-toast", options && options.isError ? "error" : "info");
    toast.textContent = message;
    toast.style.cssText = "background:" + (options && options.isError ? "#8e1f0b" : "#303030") + ";color:#fff;padding:10px 16px;border-radius:8px;font:14px sans-serif";
    toastBox.appendChild(toast);
    setTimeout(function () { toast.remove(); }, (options && options.duration) || 5000);
    return "toast-" + Date.now();
  }

  window.shopify = {
    config: { apiKey: apiKey, shop: shop, host: host, locale: "en" },
    environment: { embedded: true, mobile: false, pos: false },
    origin: standinOrigin,
    idToken: idToken,
    toast: { show: showToast, hide: function () {} },
    loading: function () {},
    saveBar: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); }, toggle: function () { return Promise.resolve(); }, leaveConfirmation: function () { return Promise.resolve(); } },
    modal: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); }, toggle: function () { return Promise.resolve(); } },
    user: function () { return Promise.resolve({ id: 1, name: "Store Owner", accountAccess: "Account owner" }); },
  };

  // The template's bounce page asks App Bridge for a token and reloads with it.
  var reload = params.get("shopify-reload");
  if (reload) {
    idToken().then(function (token) {
      var target = new URL(reload, location.href);
      target.searchParams.set("id_token", token);
      location.replace(target.toString());
    });
  }

  var style = document.createElement("style");
  style.textContent =
    "ui-nav-menu{display:flex;gap:16px;padding:8px 16px;background:#f1f1f1;border-bottom:1px solid #ddd;font:14px sans-serif}" +
    "ui-nav-menu a[rel=home]{font-weight:600}" +
    "ui-title-bar{display:block;padding:8px 16px;font:600 16px sans-serif}ui-title-bar::before{content:attr(title)}" +
    "ui-modal,ui-save-bar{display:none}";
  document.head.appendChild(style);
})();
