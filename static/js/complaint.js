// The complaint form and a peer's response (templates/portal/complaint.html,
// portal/responses/respond.html): files too large to send are caught before the form is sent,
// so what was typed is not lost to the server's "too large" page. The server checks again.
(function () {
  var form = document.querySelector("form[data-upload-total]");
  if (!form) {
    return;
  }
  var input = form.querySelector("input[type=file]");
  var message = document.getElementById("attachments-too-large");
  var perFile = parseInt(form.getAttribute("data-upload-limit"), 10);
  var total = parseInt(form.getAttribute("data-upload-total"), 10);
  function tooLarge() {
    if (!input || !input.files) {
      return false;
    }
    var sum = 0;
    for (var i = 0; i < input.files.length; i++) {
      if (input.files[i].size > perFile) {
        return true;
      }
      sum += input.files[i].size;
    }
    return sum > total;
  }
  function check() {
    var bad = tooLarge();
    if (message) {
      // USWDS shows an error message whatever its `hidden` attribute: its utility class hides it.
      message.classList.toggle("display-none", !bad);
    }
    if (input) {
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      var described = input.getAttribute("aria-describedby") || "";
      if (bad && message && described.indexOf("attachments-too-large") < 0) {
        input.setAttribute("aria-describedby", (described + " attachments-too-large").trim());
      }
    }
    return bad;
  }
  if (input) {
    input.addEventListener("change", check);
  }
  form.addEventListener("submit", function (event) {
    if (check()) {
      event.preventDefault();
      event.stopPropagation();
      input.focus();
    }
  });
})();
