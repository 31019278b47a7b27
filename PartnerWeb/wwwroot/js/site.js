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
});
