/*
 * Nightshift site tag. One line on a vehicle detail page:
 *   <script src="https://HOST/signals.js" data-dealership="SLUG" data-stock="S6012" async></script>
 * Without data-stock the vehicle is the first element with data-nightshift-stock="S6012".
 * Sends one vdp_view to HOST/channels/web/SLUG/signals: the stock number, the time, the page's
 * path (never its query string) and the visitor id, which is the chat widget's session id
 * (localStorage "nightshift:SLUG:session", made here the widget's way when absent), so a later
 * chat is the same visitor. No cookies; nothing is sent on a page without a stock; errors
 * never reach the host page.
 */
(function () {
  "use strict";
  try {
    var script = document.currentScript ||
      document.querySelector('script[src*="signals.js"][data-dealership]');
    if (!script || window.__nightshiftSignals) { return; }
    var slug = script.getAttribute("data-dealership") || "";
    if (!slug) { return; }
    window.__nightshiftSignals = true;
    var origin;
    try { origin = new URL(script.src, window.location.href).origin; } catch (e) { origin = "__NIGHTSHIFT_PUBLIC_BASE_URL__"; }
    var url = origin + "/channels/web/" + encodeURIComponent(slug) + "/signals";
    var KEY = "nightshift:" + slug + ":session";

    var randomId = function (bytes) {
      var a = new Uint8Array(bytes);
      window.crypto.getRandomValues(a);
      return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    };
    var visitor = function () {
      var id = null;
      try { id = window.localStorage.getItem(KEY); } catch (e) { /* storage blocked */ }
      if (!id || !/^[A-Za-z0-9_-]{1,100}$/.test(id)) {
        id = randomId(16);
        try { window.localStorage.setItem(KEY, id); } catch (e) { /* this page view only */ }
      }
      return id;
    };
    var stock = function () {
      var found = script.getAttribute("data-stock");
      if (!found) {
        var el = document.querySelector("[data-nightshift-stock]");
        found = el ? el.getAttribute("data-nightshift-stock") : "";
      }
      return (found || "").trim().slice(0, 40);
    };
    var send = function () {
      try {
        var number = stock();
        if (!number) { return; }
        var body = JSON.stringify({
          type: "vdp_view",
          at: new Date().toISOString(),
          event_id: "tag-" + randomId(12),
          visitor_id: visitor(),
          vehicle: { stock: number },
          properties: { page: window.location.pathname }
        });
        if (window.fetch) {
          // text/plain needs no CORS preflight; credentials "omit": no cookies either way
          window.fetch(url, {
            method: "POST", body: body, keepalive: true, credentials: "omit",
            mode: "cors", headers: { "Content-Type": "text/plain" }
          })["catch"](function () { /* the view is lost; the page is not */ });
        } else if (navigator.sendBeacon) {
          navigator.sendBeacon(url, new Blob([body], { type: "text/plain" }));
        }
      } catch (e) { /* never into the host page */ }
    };
    if (!script.getAttribute("data-stock") && document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", send);  // an async tag may run early
    } else {
      send();
    }
  } catch (e) { /* never into the host page */ }
})();
