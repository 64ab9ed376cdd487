// Section pages: move between sections with Alt+Page Down / Alt+Page Up.
document.addEventListener("keydown", (event) => {
  if (!event.altKey || (event.key !== "PageDown" && event.key !== "PageUp")) {
    return;
  }
  const link = document.querySelector(event.key === "PageDown" ? 'a[rel="next"]' : 'a[rel="prev"]');
  if (link) {
    event.preventDefault();
    window.location.assign(link.href);
  }
});
