// The new-request form: an urgency is phoned in, so choosing "Urgent" shows the phone numbers and
// takes away the send button (the box itself shows by CSS) (without JavaScript the server answers with the same explanation).
(function () {
  "use strict";
  var form = document.querySelector("form.request-form");
  if (!form) return;
  var send = form.querySelector("#send-request");

  function update() {
    var chosen = form.querySelector("input[name=kind]:checked");
    var urgent = chosen !== null && chosen.value === "urgent";
    send.hidden = urgent;
    send.disabled = urgent;
    send.style.display = urgent ? "none" : "";
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") update();
  });
  update();
})();
