// On a narrow screen the navigation and the language switch fold behind the "Menu" button.
// Without JavaScript they stay open: the button is shown only once this script runs.
(() => {
  const header = document.querySelector(".site-header");
  const toggle = document.getElementById("menu-toggle");
  if (!header || !toggle) {
    return;
  }
  header.classList.add("has-menu");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = header.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
