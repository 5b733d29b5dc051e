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
