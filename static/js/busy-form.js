// A form whose request takes a while (applying an Excel import): once sent, it shows its status
// (the element named by data-busy-status) and cannot be sent a second time.
(function () {
  "use strict";

  function submitButtons(form) {
    return Array.prototype.slice.call(form.querySelectorAll("button[type=submit], input[type=submit], button:not([type])"));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy-status")) { return; }
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) { return; }
    form.setAttribute("aria-busy", "true");
    var status = document.getElementById(form.getAttribute("data-busy-status"));
    if (status) {
      status.hidden = false;
      // Setting the text again makes screen readers announce the status now that it shows.
      status.textContent = status.textContent;
    }
    submitButtons(form).forEach(function (button) { button.disabled = true; });
  });

  // Back to this page from the browser's history: the form was left busy; make it usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-busy-status][aria-busy=true]"), function (form) {
      form.removeAttribute("aria-busy");
      var status = document.getElementById(form.getAttribute("data-busy-status"));
      if (status) { status.hidden = true; }
      submitButtons(form).forEach(function (button) { button.disabled = false; });
    });
  });
})();
