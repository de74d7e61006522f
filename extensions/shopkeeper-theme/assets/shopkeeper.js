/* Shopkeeper storefront recommendations. Plain ES2017, no framework, no build step. */
(function () {
  'use strict';
  var W = window, D = document;
  // Several blocks (and the app embed) each include this file; only the first copy runs.
  if (W.Shopkeeper) return;

  var PROXY = '/apps/shopkeeper';
  var KEY = { optout: 'shopkeeper:optout', visitor: 'shopkeeper:visitor', hidden: 'shopkeeper:hidden', attr: 'shopkeeper:attr' };
  var cfg = { events: true, attribution: true };
  var pagePid = '';
  var consent = 'unknown';
  var queue = [];
  var timer = 0;
  var seenIO = null;

  function noop() {}
  // In the theme editor the merchant needs to see the block even without data, and previews are not traffic.
  function designMode() { return !!(W.Shopify && W.Shopify.designMode); }
  function $(root, sel) { return root.querySelector(sel); }
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  // Storage can throw (blocked cookies, private mode); every access degrades to "nothing stored".
  function read(area, key) {
    try { return W[area].getItem(key); } catch (e) { return null; }
  }
  function write(area, key, value) {
    try { if (value == null) W[area].removeItem(key); else W[area].setItem(key, value); } catch (e) { /* ignore */ }
  }
  function parse(text, fallback) {
    try { var v = JSON.parse(text); return v == null ? fallback : v; } catch (e) { return fallback; }
  }

  /* ---------- consent ---------- */

  function readConsent() {
    var cp = W.Shopify && W.Shopify.customerPrivacy;
    if (!cp || typeof cp.analyticsProcessingAllowed !== 'function') return 'unknown';
    try { return cp.analyticsProcessingAllowed() ? 'granted' : 'denied'; } catch (e) { return 'unknown'; }
  }
  function optedOut() { return read('localStorage', KEY.optout) === '1'; }
  function allowed() { return consent === 'granted' && !optedOut(); }
  function consentParam() { return optedOut() ? 'denied' : consent; }
  function forget() {
    if (consent === 'denied' || optedOut()) {
      write('localStorage', KEY.visitor, null);
      write('sessionStorage', KEY.attr, null);
    }
  }

  var consentReady = new Promise(function (resolve) {
    var S = W.Shopify;
    var done = false;
    function finish() {
      if (done) return;
      done = true;
      consent = readConsent();
      forget();
      resolve(consent);
    }
    if (!S || S.customerPrivacy || typeof S.loadFeatures !== 'function') return finish();
    // The consent API loads from Shopify's CDN; never let a slow load hold the blocks back.
    setTimeout(finish, 2000);
    try {
      S.loadFeatures([{ name: 'consent-tracking-api', version: '0.1' }], finish);
    } catch (e) { finish(); }
  });

  D.addEventListener('visitorConsentCollected', function () {
    consent = readConsent();
    forget();
  });

  function randomId() {
    var c = W.crypto;
    if (c.randomUUID) return c.randomUUID();
    var bytes = c.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }
  function visitor() {
    if (!allowed()) return '';
    var id = read('localStorage', KEY.visitor);
    if (!id) {
      try { id = randomId(); } catch (e) { return ''; }
      write('localStorage', KEY.visitor, id);
    }
    return id;
  }

  /* ---------- events ---------- */

  function send(url, body) {
    try { if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return; } catch (e) { /* fall through */ }
    try {
      fetch(url, { method: 'POST', body: body, keepalive: true, credentials: 'same-origin', headers: { 'Content-Type': 'text/plain' } }).catch(noop);
    } catch (e) { /* ignore */ }
  }

  function track(type, ctx, pid) {
    if (!cfg.events || !ctx || designMode()) return;
    var e = { type: type, surface: ctx.surface };
    if (allowed()) {
      e.strategy = ctx.strategy;
      e.arm = ctx.arm;
      e.product_id = pid;
      e.request_id = ctx.request_id;
      e.at = new Date().toISOString();
    }
    queue.push(e);
    if (queue.length >= 20) flush();
    else if (!timer) timer = setTimeout(flush, 5000);
  }

  function flush() {
    clearTimeout(timer);
    timer = 0;
    if (!queue.length) return;
    var ok = allowed();
    // Consent may have been withdrawn since an event was queued: strip identifiers at send time too.
    var events = queue.splice(0).map(function (e) { return ok ? e : { type: e.type, surface: e.surface }; });
    var body = { consent: consentParam(), events: events };
    if (ok) body.visitor = visitor();
    send(PROXY + '/events', JSON.stringify(body));
  }

  D.addEventListener('visibilitychange', function () { if (D.visibilityState === 'hidden') flush(); });
  W.addEventListener('pagehide', flush);

  /* ---------- attribution ---------- */

  function tag(ctx) { return [ctx.surface, ctx.strategy, ctx.arm].join('|'); }

  function remember(pid, ctx) {
    if (!cfg.attribution || !allowed()) return;
    var m = parse(read('sessionStorage', KEY.attr), {});
    m[pid] = { v: tag(ctx), r: ctx.request_id };
    var keys = Object.keys(m);
    if (keys.length > 50) delete m[keys[0]];
    write('sessionStorage', KEY.attr, JSON.stringify(m));
  }
  function recall(pid) {
    if (!cfg.attribution || !allowed() || !pid) return null;
    var hit = parse(read('sessionStorage', KEY.attr), {})[pid];
    return hit && typeof hit.v === 'string' ? hit : null;
  }

  function isAddForm(f) { return f && f.tagName === 'FORM' && /\/cart\/add/.test(f.getAttribute('action') || ''); }
  function formPid(form) {
    var input = form.querySelector('[name="product-id"]');
    return input && input.value ? String(input.value) : pagePid;
  }
  function stamp(form) {
    var hit = recall(formPid(form));
    if (!hit) return null;
    var input = form.querySelector('input[name="properties[_shopkeeper]"]');
    if (!input) {
      input = D.createElement('input');
      input.type = 'hidden';
      input.name = 'properties[_shopkeeper]';
      form.appendChild(input);
    }
    input.value = hit.v;
    return hit;
  }

  // Capture phase: runs before the theme's own submit handler builds its FormData.
  D.addEventListener('submit', function (ev) {
    try {
      var form = ev.target;
      if (!isAddForm(form)) return;
      var hit = stamp(form);
      if (!hit) return;
      var p = hit.v.split('|');
      track('add_to_cart', { surface: p[0], strategy: p[1], arm: p[2], request_id: hit.r }, formPid(form));
    } catch (e) { /* never block the shopper's add to cart */ }
  }, true);

  /* ---------- blocks ---------- */

  function hiddenIds() {
    var list = parse(read('localStorage', KEY.hidden), []);
    return Array.isArray(list) ? list.map(String) : [];
  }
  function addHidden(pid) {
    var list = hiddenIds().filter(function (x) { return x !== pid; });
    list.push(pid);
    write('localStorage', KEY.hidden, JSON.stringify(list.slice(-200)));
  }

  function query(params) {
    return Object.keys(params).filter(function (k) { return params[k] !== '' && params[k] != null; })
      .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]); }).join('&');
  }

  function getJSON(url) {
    var ac = W.AbortController ? new AbortController() : null;
    var t = ac ? setTimeout(function () { ac.abort(); }, 8000) : 0;
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: ac ? ac.signal : undefined })
      .then(function (r) {
        clearTimeout(t);
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      });
  }

  function safeUrl(u) {
    if (typeof u !== 'string') return false;
    if (/^\/(?![/\\])/.test(u)) return true;
    try { return new URL(u).origin === W.location.origin; } catch (e) { return false; }
  }
  function safeImage(u) { return typeof u === 'string' && /^(https:\/\/|\/\/|\/)/.test(u); }

  function money(price, currency) {
    var n = typeof price === 'number' ? price : parseFloat(price);
    if (!isFinite(n)) return '';
    try {
      return new Intl.NumberFormat(D.documentElement.lang || undefined, { style: 'currency', currency: currency }).format(n);
    } catch (e) {
      return n.toFixed(2) + (currency ? ' ' + currency : '');
    }
  }

  function text(root, sel, value) { var el = $(root, sel); if (el) el.textContent = value; }

  function card(block, tpl, item, index) {
    var li = tpl.content.firstElementChild.cloneNode(true);
    li.setAttribute('data-pid', String(item.product_id));
    if (item.variant_id != null) li.setAttribute('data-vid', String(item.variant_id));
    var link = $(li, '[data-sk-link]');
    if (link) link.href = item.url;
    var img = $(li, '[data-sk-img]');
    if (img && safeImage(item.image)) {
      img.src = item.image;
      img.alt = item.title;
      img.hidden = false;
    }
    text(li, '[data-sk-title]', item.title);
    text(li, '[data-sk-price]', money(item.price, item.currency));
    var why = $(li, '[data-sk-why]');
    var reason = $(li, '[data-sk-reason]');
    if (why && reason) {
      if (typeof item.reason === 'string' && item.reason) {
        reason.id = block.id + '-why-' + index;
        why.setAttribute('aria-controls', reason.id);
        text(li, '[data-sk-reason-text]', item.reason);
      } else {
        why.remove();
        reason.remove();
      }
    }
    var pick = $(li, '[data-sk-pick]');
    if (pick && item.variant_id == null) {
      pick.checked = false;
      pick.disabled = true;
    }
    return li;
  }

  function setPrivacy(block, on) {
    var yes = $(block, '[data-sk-on]');
    var no = $(block, '[data-sk-off]');
    if (yes) yes.hidden = !on;
    if (no) no.hidden = on;
  }

  function countPicks(block) {
    var n = 0;
    each(block.querySelectorAll('[data-pid]:not([data-sk-gone]) [data-sk-pick]'), function (p) { if (p.checked && !p.disabled) n++; });
    text(block, '[data-sk-count]', String(n));
    var btn = $(block, '[data-sk-add]');
    if (btn) btn.disabled = n === 0;
  }

  function watchImpressions(block) {
    if (!('IntersectionObserver' in W)) return;
    if (!seenIO) {
      seenIO = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (!e.isIntersecting) return;
          seenIO.unobserve(e.target);
          var owner = e.target.closest('[data-shopkeeper]');
          if (owner) track('impression', owner._sk, e.target.getAttribute('data-pid'));
        });
      }, { threshold: 0.5 });
    }
    each(block.querySelectorAll('[data-pid]'), function (li) { seenIO.observe(li); });
  }

  function render(block, data, limit, hidden) {
    if (!data || typeof data !== 'object' || !Array.isArray(data.items)) throw new Error('bad payload');
    var d = block.dataset;
    var skip = {};
    skip[d.productId || ''] = 1;
    hidden.forEach(function (id) { skip[id] = 1; });
    var items = data.items.filter(function (it) {
      if (!it || it.product_id == null || typeof it.title !== 'string' || !safeUrl(it.url)) return false;
      var id = String(it.product_id);
      if (skip[id]) return false;
      skip[id] = 1;
      return true;
    }).slice(0, limit);
    if (!items.length) throw new Error('empty');

    var tpl = $(block, '[data-sk-tpl]');
    var list = $(block, '[data-sk-list]');
    var frag = D.createDocumentFragment();
    items.forEach(function (it, i) { frag.appendChild(card(block, tpl, it, i)); });
    block._sk = {
      surface: typeof data.surface === 'string' ? data.surface : d.surface,
      strategy: typeof data.strategy === 'string' ? data.strategy : d.strategy,
      arm: data.arm == null ? '' : String(data.arm),
      request_id: data.request_id == null ? '' : String(data.request_id)
    };
    // Fewer results than placeholders must not pull visible content upwards: keep the reserved height.
    if (block.getBoundingClientRect().top < W.innerHeight) list.style.minHeight = list.getBoundingClientRect().height + 'px';
    list.textContent = '';
    list.appendChild(frag);
    block.removeAttribute('aria-busy');
    block.setAttribute('data-sk-state', 'ready');
    setPrivacy(block, data.personal === true && allowed());
    countPicks(block);
    watchImpressions(block);
  }

  function fail(block) {
    block.hidden = !designMode();
    block.removeAttribute('aria-busy');
    block.setAttribute('data-sk-state', 'failed');
  }

  function load(block) {
    var d = block.dataset;
    var limit = Math.min(24, Math.max(1, parseInt(d.limit, 10) || 4));
    var hidden = hiddenIds();
    consentReady.then(function () {
      // Ask for a few extra so that locally hidden products do not leave gaps.
      var params = {
        surface: d.surface,
        strategy: d.strategy || 'auto',
        limit: Math.min(24, limit + Math.min(hidden.length, 8)),
        product_id: d.productId,
        cart: d.cart,
        visitor: visitor(),
        consent: consentParam(),
        optout: optedOut() ? '1' : ''
      };
      return getJSON((d.proxy || PROXY) + '/recommendations?' + query(params));
    }).then(function (data) {
      render(block, data, limit, hidden);
    }).catch(function () {
      fail(block);
    });
  }

  function init(root) {
    each((root || D).querySelectorAll('[data-shopkeeper]:not([data-sk-init])'), function (block) {
      block.setAttribute('data-sk-init', '');
      if (!('IntersectionObserver' in W)) return load(block);
      var io = new IntersectionObserver(function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        io.disconnect();
        load(block);
      }, { rootMargin: '400px 0px' });
      io.observe(block);
    });
  }

  /* ---------- shopper actions ---------- */

  function toggleWhy(li, open) {
    var btn = $(li, '[data-sk-why]');
    var box = $(li, '[data-sk-reason]');
    if (!btn || !box) return;
    box.hidden = !open;
    btn.setAttribute('aria-expanded', String(open));
    (open ? $(box, '[data-sk-why-close]') : btn).focus();
  }

  function notInterested(block, pid) {
    addHidden(pid);
    each(D.querySelectorAll('[data-shopkeeper] [data-pid]'), function (li) {
      if (li.getAttribute('data-pid') !== pid) return;
      li.setAttribute('data-sk-gone', '');
      li.classList.add('sk__card--gone');
      var note = $(li, '[data-sk-gone-note]');
      if (note) note.hidden = false;
    });
    var note = $(block, '[data-pid][data-sk-gone] [data-sk-gone-note]');
    if (note) note.focus();
    countPicks(block);
    // The server-side "hide for this shopper" needs an identifier; without consent the choice stays on this device.
    if (allowed()) {
      try {
        fetch(PROXY + '/not-interested', {
          method: 'POST', credentials: 'same-origin', keepalive: true,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ visitor: visitor(), product_id: pid })
        }).catch(noop);
      } catch (e) { /* ignore */ }
    }
  }

  function addSelected(block) {
    var ctx = block._sk;
    var btn = $(block, '[data-sk-add]');
    var status = $(block, '[data-sk-status]');
    var items = [];
    var pids = [];
    each(block.querySelectorAll('[data-pid]:not([data-sk-gone])'), function (li) {
      var pick = $(li, '[data-sk-pick]');
      var vid = li.getAttribute('data-vid');
      if (!pick || !pick.checked || pick.disabled || !vid) return;
      var line = { id: /^\d+$/.test(vid) ? Number(vid) : vid, quantity: 1 };
      if (cfg.attribution) line.properties = { _shopkeeper: tag(ctx) };
      items.push(line);
      pids.push(li.getAttribute('data-pid'));
    });
    if (!items.length) return;
    btn.disabled = true;
    fetch(block.dataset.cartAdd || '/cart/add.js', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ items: items })
    }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (res) {
      if (status) status.textContent = block.dataset.msgAdded || '';
      pids.forEach(function (pid) { track('add_to_cart', ctx, pid); });
      D.dispatchEvent(new CustomEvent('shopkeeper:cart-added', { detail: { items: res && res.items } }));
    }).catch(function () {
      if (status) status.textContent = block.dataset.msgFailed || '';
    }).then(function () {
      countPicks(block);
    });
  }

  D.addEventListener('click', function (ev) {
    try {
      var t = ev.target;
      var block = t.closest && t.closest('[data-shopkeeper]');
      if (!block || !block._sk) return;
      var li = t.closest('[data-pid]');
      var pid = li ? li.getAttribute('data-pid') : '';
      if (pid && t.closest('[data-sk-link]')) {
        track('click', block._sk, pid);
        remember(pid, block._sk);
      } else if (li && t.closest('[data-sk-why]')) {
        toggleWhy(li, $(li, '[data-sk-reason]').hidden);
      } else if (li && t.closest('[data-sk-why-close]')) {
        toggleWhy(li, false);
      } else if (pid && t.closest('[data-sk-hide]')) {
        notInterested(block, pid);
      } else if (t.closest('[data-sk-add]')) {
        addSelected(block);
      }
    } catch (e) { /* a broken click handler must not break the page */ }
  });

  D.addEventListener('change', function (ev) {
    var t = ev.target;
    var block = t.closest && t.closest('[data-shopkeeper]');
    if (block && t.matches('[data-sk-pick]')) countPicks(block);
  });

  D.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Escape' || !ev.target.closest) return;
    var li = ev.target.closest('[data-pid]');
    if (li && ev.target.closest('[data-sk-reason]')) toggleWhy(li, false);
  });

  /* ---------- start ---------- */

  var embed = D.querySelector('[data-shopkeeper-embed]');
  if (embed) {
    cfg.events = embed.getAttribute('data-events') !== 'false';
    cfg.attribution = embed.getAttribute('data-attribution') !== 'false';
    pagePid = embed.getAttribute('data-product-id') || '';
  }

  W.Shopkeeper = {
    /** Turns personalisation off (true) or back on (false) for this browser; used by the privacy page. */
    optOut: function (on) {
      write('localStorage', KEY.optout, on ? '1' : null);
      forget();
    },
    optedOut: optedOut,
    consent: consentParam,
    flush: flush,
    init: init
  };

  function start() {
    try { init(D); } catch (e) { /* ignore */ }
    consentReady.then(function () {
      each(D.querySelectorAll('form[action*="/cart/add"]'), function (f) { try { stamp(f); } catch (e) { /* ignore */ } });
    });
  }
  if (D.readyState === 'loading') D.addEventListener('DOMContentLoaded', start);
  else start();
  D.addEventListener('shopify:section:load', function (e) { init(e.target); });
})();
