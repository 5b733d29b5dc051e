// Confirmation before destructive actions: <form data-confirm="Are you sure?">.
// Kept in a file (not inline handlers) so the Content-Security-Policy can forbid inline script.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute && form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
    return;
  }
  // Double-click protection: a form submits once.
  if (form.dataset.submitted === "true") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "true";
});

// A page showing work in progress (the data export: data-reload-while-pending="5") loads
// itself again every few seconds until the work is done.
(function () {
  var pending = document.querySelector("[data-reload-while-pending]");
  if (!pending) return;
  var seconds = parseInt(pending.getAttribute("data-reload-while-pending"), 10) || 5;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
