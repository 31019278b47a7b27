// The payouts queue (/dashboard/admin/payouts): each bulk button asks about what is ticked, naming how many
// payouts and their sum per currency, since that changes with every tick. htmx reads hx-confirm when clicked.
(function () {
  function money(minor, currency) {
    try {
      var format = new Intl.NumberFormat("en-US", { style: "currency", currency: currency });
      return format.format(minor / Math.pow(10, format.resolvedOptions().maximumFractionDigits));
    } catch (e) {
      return currency + " " + minor;
    }
  }

  function refresh() {
    var form = document.getElementById("payout-bulk");
    if (!form) return;
    var ticked = form.querySelectorAll("input[name=ids]:checked");
    var sums = {};
    ticked.forEach(function (box) {
      sums[box.dataset.currency] = (sums[box.dataset.currency] || 0) + Number(box.dataset.amount);
    });
    var totals = Object.keys(sums).sort().map(function (currency) { return money(sums[currency], currency); }).join(" + ");
    var what = ticked.length === 0 ? "the selected payouts (none is selected)"
      : ticked.length + (ticked.length === 1 ? " payout of " : " payouts totalling ") + totals;
    form.querySelectorAll("button[data-verb]").forEach(function (button) {
      button.setAttribute("hx-confirm", button.dataset.verb + " " + what + "?");
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest("#payout-bulk");
    if (!form) return;
    if (event.target.classList.contains("select-all")) {
      form.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = event.target.checked; });
    }
    refresh();
  });
  // Enter in the reference field means "mark paid", not the form's first button (approve).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.id !== "payout-reference") return;
    event.preventDefault();
    document.querySelector("#payout-bulk button[data-verb='Mark paid']").click();
  });
  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
})();
