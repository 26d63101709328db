/* Live updates of the inbox and conversation pages, from the console's event stream
   (/console/live, Server-Sent Events). On the inbox, any change fetches the same page again
   and swaps its lists in place; on a conversation's page, a new message in it swaps the
   transcript, the state line, the notes and the timeline (never the reply box). A handoff
   or an intent alert newly assigned to me shows a banner, counts in the tab's title and, once
   allowed with the "Turn on notifications" button, a browser notification that opens the
   conversation (the customer's page, for an alert).
   Without this script the pages work as before: reload to see what is new. */
"use strict";
(function () {
  var root = document.getElementById("live");
  if (!root || typeof EventSource === "undefined" || !window.fetch || !window.DOMParser) {
    return;
  }
  var conversation = root.getAttribute("data-conversation") || "";
  var parts = conversation
    ? ["#state", "#transcript", "#notes", "#timeline"]
    : ["#alerts", "#waiting", "#mine", "#queue"];
  var banner = document.getElementById("live-banner");
  var button = document.getElementById("live-notify");
  var title = document.title;
  var unseen = 0;
  var fetching = false;
  var again = false;
  var source = new EventSource(
    "/console/live?since=" + encodeURIComponent(root.getAttribute("data-since") || "")
  );

  function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    again = false;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("signed out"); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (selector) {
          var now = document.querySelector(selector);
          var next = fresh.querySelector(selector);
          if (now && next) { now.replaceWith(document.adoptNode(next)); }
        });
      })
      .catch(function () { source.close(); })
      .then(function () {
        fetching = false;
        if (again) { refresh(); }
      });
  }

  function assigned(data) {
    var reasons = (data.reasons || []).join(", ").replace(/_/g, " ");
    var text = "New handoff: " + (data.name || "a shopper") + (reasons ? " \u2014 " + reasons : "");
    announce(text, "/console/conversations/" + encodeURIComponent(data.conversation),
      "handoff-" + data.handoff);
  }

  function alerted(data) {
    var text = "New alert: " + (data.name || "a shopper") + (data.reason ? " \u2014 " + data.reason : "");
    announce(text, "/console/customers/" + encodeURIComponent(data.customer), "alert-" + data.alert);
  }

  function announce(text, href, tag) {
    unseen += 1;
    document.title = "(" + unseen + ") " + title;
    var link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    banner.replaceChildren(link);
    banner.hidden = false;
    if ("Notification" in window && Notification.permission === "granted") {
      var shown = new Notification(text, { tag: tag });
      shown.onclick = function () {
        window.focus();
        window.location.href = href;
        shown.close();
      };
    }
  }

  function on(name, handle) {
    source.addEventListener(name, function (event) {
      var data = {};
      try { data = JSON.parse(event.data || "{}"); } catch (ignored) { return; }
      handle(data);
    });
  }

  if (conversation) {
    on("message", function (data) { if (data.conversation === conversation) { refresh(); } });
  } else {
    on("inbox", refresh);
    on("message", refresh);
  }
  on("assigned", function (data) {
    assigned(data);
    if (!conversation) { refresh(); }
  });
  on("alert", function (data) {
    alerted(data);
    if (!conversation) { refresh(); }
  });
  on("ended", function () {
    source.close();
    document.documentElement.setAttribute("data-live", "ended");
  });
  source.addEventListener("open", function () {
    document.documentElement.setAttribute("data-live", "open");
  });

  if ("Notification" in window && Notification.permission === "default") {
    button.hidden = false;
    button.addEventListener("click", function () {
      Notification.requestPermission().then(function (answer) {
        button.hidden = answer !== "default";
      });
    });
  }
})();
