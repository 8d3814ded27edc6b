// Ledger pages: confirmation prompts for irreversible actions (no inline scripts: CSP script-src 'self').
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Restore the open state of a collapsed form after an error message (the page reloads on POST).
  document.addEventListener("DOMContentLoaded", function () {
    var alert = document.querySelector(".alert-error, .alert-danger");
    if (alert && window.location.hash) {
      var target = document.querySelector(window.location.hash);
      if (target && target.classList.contains("collapse")) {
        target.classList.add("show");
      }
    }
  });
})();
