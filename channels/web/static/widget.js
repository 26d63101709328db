/*
 * Nightshift web chat widget. Embed with one tag:
 *   <script src="https://HOST/widget.js" data-dealership="SLUG"></script>
 * Draws a launcher and a chat panel in a shadow root (host page styles do not leak in), keeps
 * the session and conversation ids in localStorage per dealership (a reload continues the
 * conversation), and talks to HOST over a WebSocket that reconnects with backoff (max 10 s).
 */
(function () {
  "use strict";
  var script = document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-dealership]');
  if (!script || window.__nightshiftWidget) { return; }
  var slug = script.getAttribute("data-dealership") || "";
  if (!slug) { return; }
  window.__nightshiftWidget = true;

  var FALLBACK_ORIGIN = "__NIGHTSHIFT_PUBLIC_BASE_URL__";
  var origin;
  try { origin = new URL(script.src, window.location.href).origin; } catch (e) { origin = FALLBACK_ORIGIN; }
  var wsUrlBase = origin.replace(/^http/, "ws") + "/channels/web/" + encodeURIComponent(slug) + "/ws";
  var KEY = "nightshift:" + slug + ":";
  var MAX_TEXT = 2000, MAX_BACKOFF = 10000;

  function store(name, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(KEY + name); }
      window.localStorage.setItem(KEY + name, value);
    } catch (e) { /* storage blocked: the chat still works for this page view */ }
    return value;
  }
  function randomId(bytes) {
    var a = new Uint8Array(bytes);
    window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var session = store("session");
  if (!session || !/^[A-Za-z0-9_-]{1,100}$/.test(session)) { session = store("session", randomId(16)); }

  var name = "our dealership";
  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;",
    "padding:14px 20px;background:#0b5cad;color:#fff;font-size:15px;font-weight:600;cursor:pointer;",
    "box-shadow:0 4px 14px rgba(0,0,0,.25)}",
    ".launcher:focus-visible,button:focus-visible,textarea:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:84px;z-index:2147483001;width:370px;max-width:calc(100vw - 24px);",
    "height:540px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;color:#1d2430;",
    "border-radius:12px;box-shadow:0 10px 40px rgba(0,0,0,.3);overflow:hidden;font-size:15px;line-height:1.4}",
    ".panel[hidden]{display:none}",
    ".head{display:flex;align-items:center;justify-content:space-between;padding:12px 14px;background:#0b5cad;color:#fff}",
    ".head h2{margin:0;font-size:16px}",
    ".close{background:transparent;border:0;color:#fff;font-size:24px;line-height:1;cursor:pointer;padding:4px 8px}",
    ".disclosure{margin:0;padding:8px 14px;font-size:12.5px;background:#eef4fb;color:#2b3a4f;border-bottom:1px solid #dde6f0}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#fafbfc}",
    ".msg{max-width:85%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}",
    ".msg .who{display:block;font-size:11px;font-weight:700;opacity:.75;margin-bottom:2px}",
    ".shopper{align-self:flex-end;background:#0b5cad;color:#fff}",
    ".assistant{align-self:flex-start;background:#e9edf2}",
    ".staff{align-self:flex-start;background:#fff4d6;border:1px solid #f0d68a}",
    ".pending{opacity:.7}",
    ".failed{outline:2px solid #b3261e}",
    ".fail{display:block;font-size:12px;font-weight:600;color:#b3261e;margin-top:4px;white-space:normal}",
    ".fail button{margin-left:6px;font:inherit;color:#fff;background:#b3261e;border:0;border-radius:4px;padding:2px 8px;cursor:pointer}",
    ".typing{padding:0 14px 6px;font-size:13px;color:#5b6472;min-height:20px}",
    ".form{display:flex;gap:8px;padding:10px;border-top:1px solid #e3e7ec}",
    "textarea{flex:1;resize:none;border:1px solid #b8c2cf;border-radius:8px;padding:8px;font-size:15px;min-height:40px;max-height:120px}",
    ".send{border:0;border-radius:8px;background:#0b5cad;color:#fff;padding:0 16px;font-weight:600;cursor:pointer}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}",
    ".launcher{right:12px;bottom:12px}}"
  ].join("");

  var host = document.createElement("div");
  host.id = "nightshift-chat";
  var root = host.attachShadow({ mode: "open" });
  root.innerHTML =
    '<style>' + CSS + '</style>' +
    '<button type="button" class="launcher" aria-haspopup="dialog" aria-expanded="false" aria-controls="ns-panel">Chat with us</button>' +
    '<div class="panel" id="ns-panel" role="dialog" aria-labelledby="ns-title" hidden>' +
    '<div class="head"><h2 id="ns-title">Chat</h2>' +
    '<button type="button" class="close" aria-label="Close chat">&times;</button></div>' +
    '<p class="disclosure"></p>' +
    '<div class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Messages"></div>' +
    '<div class="typing" role="status" aria-live="polite"></div>' +
    '<form class="form"><label class="sr" for="ns-input">Type your message</label>' +
    '<textarea id="ns-input" rows="1" maxlength="' + MAX_TEXT + '" placeholder="Type your message..."></textarea>' +
    '<button type="submit" class="send">Send</button></form></div>';
  document.body.appendChild(host);

  var $ = function (sel) { return root.querySelector(sel); };
  var launcher = $(".launcher"), panel = $(".panel"), closeBtn = $(".close"), log = $(".log");
  var typing = $(".typing"), form = $(".form"), input = $("#ns-input"), title = $("#ns-title");
  var disclosure = $(".disclosure");

  function setName(value) {
    if (value) { name = value; }
    title.textContent = name === "our dealership" ? "Chat with us" : name;
    disclosure.textContent = "You're chatting with " + name +
      "'s automated assistant; a person can take over anytime.";
  }
  setName();

  var seen = {};        // server message ids already rendered
  var pending = [];     // shopper messages not yet acknowledged: {id, text, el}
  var ws = null, attempt = 0, timer = null, started = false, refused = null;

  function label(author) {
    return author === "shopper" ? "You" : author === "staff" ? "Team" : "Assistant";
  }
  function render(author, text, at) {
    var el = document.createElement("div");
    el.className = "msg " + (author === "staff" || author === "shopper" ? author : "assistant");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = label(author);
    el.appendChild(who);
    el.appendChild(document.createTextNode(text));
    if (at) { el.title = at; }
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }
  function showMessage(m) {
    if (m.id !== undefined && m.id !== null) {
      if (seen[m.id]) { return; }
      seen[m.id] = true;
    }
    if (m.author !== "shopper") { typing.textContent = ""; }
    render(m.author, m.text, m.at);
  }
  function send(frame) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function onFrame(frame) {
    if (frame.type === "hello") {
      attempt = 0;
      setName(frame.dealership);
      if (frame.conversation) { store("conversation", frame.conversation); }
      log.textContent = "";
      seen = {};
      (frame.messages || []).forEach(showMessage);
      pending.forEach(function (p) {
        log.appendChild(p.el);
        send({ type: "message", id: p.id, text: p.text });
      });
    } else if (frame.type === "ack") {
      if (frame.conversation) { store("conversation", frame.conversation); }
      pending = pending.filter(function (p) {
        if (p.id === frame.id) { p.el.classList.remove("pending"); return false; }
        return true;
      });
    } else if (frame.type === "message") {
      showMessage(frame);
    } else if (frame.type === "typing") {
      typing.textContent = name === "our dealership" ? "Typing..." : name + " is typing...";
    } else if (frame.type === "error") {
      if (frame.id) {
        pending = pending.filter(function (p) {
          if (p.id === frame.id) { markFailed(p, frame.message); return false; }
          return true;
        });
      } else if (frame.field === "dealership") {
        // The server refused the chat itself (a mistyped data-dealership): reconnecting will
        // not help, so say so on every waiting message instead of retrying forever.
        refused = frame.message || "this chat is not available";
        var failed = pending;
        pending = [];
        failed.forEach(function (p) { markFailed(p, frame.message); });
      }
      if (frame.field === "session") { session = store("session", randomId(16)); }
    }
  }

  // A message the server refused stays visible, says why, and can be sent again.
  function markFailed(p, why) {
    p.el.classList.remove("pending");
    p.el.classList.add("failed");
    var note = document.createElement("span");
    note.className = "fail";
    note.setAttribute("role", "alert");
    note.textContent = "Not sent" + (why ? ": " + why : "") + ".";
    var retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = "Retry";
    retry.addEventListener("click", function () {
      p.el.removeChild(note);
      p.el.classList.remove("failed");
      p.el.classList.add("pending");
      pending.push(p);
      if (!send({ type: "message", id: p.id, text: p.text }) && !ws) {
        refused = null;
        connect();  // sent after the next hello
      }
    });
    note.appendChild(retry);
    p.el.appendChild(note);
  }

  function connect() {
    clearTimeout(timer);
    ws = new WebSocket(wsUrlBase + "?session=" + encodeURIComponent(session));
    ws.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      onFrame(frame);
    };
    ws.onclose = function () {
      ws = null;
      if (refused) { return; }
      var delay = Math.min(MAX_BACKOFF, 500 * Math.pow(2, attempt)) * (0.8 + Math.random() * 0.4);
      attempt += 1;
      timer = setTimeout(connect, Math.min(MAX_BACKOFF, delay));
    };
  }

  function openPanel() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    if (!started) { started = true; connect(); }
    input.focus();
  }
  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { openPanel(); } else { closePanel(); } });
  closeBtn.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); closePanel(); }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });

  function submit() {
    var text = input.value.trim();
    if (!text) { return; }
    if (text.length > MAX_TEXT) { text = text.slice(0, MAX_TEXT); }
    input.value = "";
    var msg = { id: "c" + Date.now().toString(36) + randomId(4), text: text, el: render("shopper", text) };
    if (refused) { markFailed(msg, refused); input.focus(); return; }
    msg.el.classList.add("pending");
    pending.push(msg);
    send({ type: "message", id: msg.id, text: text });  // else sent after the next hello
    input.focus();
  }

  if (store("conversation")) { started = true; connect(); }  // live staff replies while closed
})();
