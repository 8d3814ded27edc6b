/* Idle-timeout warning (WCAG 2.2.1 Timing Adjustable): shown SESSION_IDLE_WARNING_SECONDS before the
 * server ends an idle session, with a one-click "继续使用" that extends it. No inline script (CSP). */
(function () {
  "use strict";
  var root = document.getElementById("qq-session");
  if (!root) { return; }
  var warning = parseInt(root.dataset.warning, 10) || 60;
  var deadline = Date.now() + (parseInt(root.dataset.remaining, 10) || 0) * 1000;
  var seconds = document.getElementById("qq-session-seconds");
  var button = document.getElementById("qq-session-extend");
  var timer = null;
  var ticker = null;
  var expiring = false;

  function headers() {
    return { "Accept": "application/json", "X-CSRFToken": root.dataset.csrf, "X-Requested-With": "XMLHttpRequest" };
  }
  function hide() {
    root.hidden = true;
    clearInterval(ticker);
    ticker = null;
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, deadline - Date.now() - warning * 1000));
  }
  function remainingSeconds() {
    return Math.max(0, Math.round((deadline - Date.now()) / 1000));
  }
  function tick() {
    var left = remainingSeconds();
    seconds.textContent = String(left);
    if (left <= 0) { expire(); }
  }
  function show() {
    if (!root.hidden) { return; }
    root.hidden = false;
    tick();
    ticker = setInterval(tick, 1000);
    button.focus();
  }
  function expire() {
    if (expiring) { return; }
    expiring = true;
    hide();
    // The server ends the idle session on the next request and shows the login page with a notice.
    setTimeout(function () { window.location.assign(window.location.href); }, 1500);
  }
  function update(response) {
    if (response.status === 401) { expire(); return null; }
    return response.json().then(function (data) {
      deadline = Date.now() + data.remaining * 1000;
      return data;
    });
  }
  function check() {
    // Another tab may have kept the session alive: ask the server before warning.
    fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: headers() })
      .then(update)
      .then(function (data) {
        if (!data) { return; }
        if (data.remaining > warning) { hide(); schedule(); } else { show(); }
      })
      .catch(show);
  }
  function extend() {
    fetch(root.dataset.extendUrl, { method: "POST", credentials: "same-origin", headers: headers() })
      .then(update)
      .then(function (data) {
        if (!data) { return; }
        hide();
        schedule();
      });
  }
  button.addEventListener("click", extend);
  document.body.addEventListener("htmx:afterRequest", function () { setTimeout(check, 0); });
  schedule();
})();
