// htmx: swap 4xx answers too, so validation and conflict messages land in the fragment they concern.
// 5xx and network errors are shown in the page's flash area instead of swapping a broken fragment.
document.addEventListener("DOMContentLoaded", function () {
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4..", swap: true, error: false },
    { code: "...", swap: false, error: true },
  ];
  document.body.addEventListener("htmx:responseError", function () {
    var flash = document.getElementById("flash");
    if (flash) { flash.textContent = "Something went wrong. Reload the page and try again."; flash.hidden = false; }
  });
  document.body.addEventListener("htmx:sendError", function () {
    var flash = document.getElementById("flash");
    if (flash) { flash.textContent = "The server could not be reached."; flash.hidden = false; }
  });
  // A message from an earlier request (see ErrorPages) goes away when the next one starts.
  document.body.addEventListener("htmx:beforeRequest", function () {
    var flash = document.getElementById("flash");
    if (flash) flash.hidden = true;
  });
  // A plain post (sign-in, "Pay with card", Stripe set-up) loads a new page: say it is on its way and
  // refuse a second click meanwhile. htmx forms have their own busy state (.htmx-request, hx-disabled-elt).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
    if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
    form.setAttribute("aria-busy", "true");
  });
  // Back from Stripe (or any page) through the browser's cache: the form is idle again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy]").forEach(function (form) { form.removeAttribute("aria-busy"); });
  });
});
