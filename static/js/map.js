// The choropleth maps (rankings/_map.html): a unit's name, value and rank — its aria-label — shown
// in a tooltip while the pointer is over it or it has the keyboard's focus; Escape hides it. No inline
// code or style (CSP): the tooltip is placed through the CSSOM.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), function (frame) {
    var tip = frame.querySelector(".map-tooltip");
    if (!tip) { return; }
    var shown = null;

    function unitOf(node) {
      // A unit with results is a link; one without is a shape named "…: không có kết quả".
      return node && node.closest ? node.closest("[data-organisation-code][aria-label]") : null;
    }

    function show(unit) {
      shown = unit;
      tip.textContent = unit.getAttribute("aria-label");
      tip.hidden = false;
      var box = frame.getBoundingClientRect();
      var shape = unit.getBoundingClientRect();
      var left = shape.left - box.left + shape.width / 2 - tip.offsetWidth / 2;
      left = Math.max(0, Math.min(left, box.width - tip.offsetWidth));
      var top = shape.top - box.top - tip.offsetHeight - 6;
      if (top < 0) { top = shape.bottom - box.top + 6; }
      tip.style.left = left + "px";
      tip.style.top = top + "px";
    }

    function hide() {
      shown = null;
      tip.hidden = true;
    }

    frame.addEventListener("mouseover", function (event) {
      var unit = unitOf(event.target);
      if (unit && unit !== shown) { show(unit); }
    });
    frame.addEventListener("mouseout", function (event) {
      if (unitOf(event.target) && unitOf(event.relatedTarget) !== shown) { hide(); }
    });
    frame.addEventListener("focusin", function (event) {
      var unit = unitOf(event.target);
      if (unit) { show(unit); }
    });
    frame.addEventListener("focusout", hide);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && shown) { hide(); }
    });
  });
}());
