// Keyboard work on the appraisal page: J/K move between leaves, A accepts, D adjusts, Q asks a question.
// Enter in a reason box saves the decision (Shift+Enter starts a new line).
(function () {
  "use strict";
  var decisions = { a: "accept", d: "adjust", q: "question" };
  var lastTargetId = null;

  function leaves() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-leaf]"));
  }

  function currentIndex(list) {
    var active = document.activeElement && document.activeElement.closest("[data-leaf]");
    return active ? list.indexOf(active) : -1;
  }

  function focusLeaf(list, index) {
    if (index < 0 || index >= list.length) { return; }
    list[index].focus();
    list[index].scrollIntoView({ block: "start" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target.matches("input, select, textarea")) {
      if (event.key === "Enter" && target.tagName === "TEXTAREA" && !event.shiftKey && target.form) {
        event.preventDefault();
        target.form.requestSubmit();
      }
      return;
    }
    var key = event.key.toLowerCase();
    var list = leaves();
    var index = currentIndex(list);
    if (key === "j" || key === "k") {
      event.preventDefault();
      focusLeaf(list, index + (key === "j" ? 1 : -1));
      return;
    }
    if (!(key in decisions) || index < 0) { return; }
    var radio = list[index].querySelector('input[type="radio"][value="' + decisions[key] + '"]');
    if (!radio) { return; }
    event.preventDefault();
    radio.checked = true;
    if (key === "a") {
      radio.form.requestSubmit();
    } else {
      var input = list[index].querySelector(key === "d" ? ".leaf-inputs input, .leaf-inputs select" : "textarea");
      if (input) { input.focus(); }
    }
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var leaf = event.detail.elt.closest("[data-leaf]");
    lastTargetId = leaf ? leaf.id : null;
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    if (!lastTargetId) { return; }
    var list = leaves();
    var swapped = document.getElementById(lastTargetId);
    var index = list.indexOf(swapped);
    // A saved decision moves on to the next leaf; an error stays on the leaf to be corrected.
    focusLeaf(list, swapped && swapped.querySelector(".saved") ? index + 1 : index);
    lastTargetId = null;
  });
}());
