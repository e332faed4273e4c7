// Small helpers of the desk; every page works without them.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.classList || !select.classList.contains("canned")) return;
  var option = select.options[select.selectedIndex];
  var target = document.getElementById(select.dataset.target);
  if (!option || !option.dataset.body || !target) return;
  var start = target.selectionStart || target.value.length;
  target.value = target.value.slice(0, start) + option.dataset.body + target.value.slice(start);
  target.focus();
  select.selectedIndex = 0;
});

// "/" jumps to the queue search, as in most tools people already know.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var tag = (event.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
  var search = document.getElementById("id_q");
  if (!search) return;
  event.preventDefault();
  search.focus();
});

// htmx keeps the page's HTML for Back: what was typed and chosen in the filters must be in it.
document.addEventListener("htmx:beforeHistorySave", function () {
  document.querySelectorAll(".filters input").forEach(function (input) {
    input.setAttribute("value", input.value);
  });
  document.querySelectorAll(".filters option").forEach(function (option) {
    option.toggleAttribute("selected", option.selected);
  });
});

// j / k move between the queue's tickets, Enter opens one: the keys of mail readers and trackers.
document.addEventListener("keydown", function (event) {
  if ((event.key !== "j" && event.key !== "k") || event.ctrlKey || event.metaKey || event.altKey) return;
  var tag = (event.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
  var links = Array.prototype.slice.call(document.querySelectorAll("table.queue td.subject a"));
  if (!links.length) return;
  var at = links.indexOf(document.activeElement);
  var next = event.key === "j" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
  event.preventDefault();
  links[next].focus();
});

// A form with data-confirm asks before it does something that cannot be undone.
document.addEventListener("submit", function (event) {
  var question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// Canned replies are inserted by script: without it they are not offered at all.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".canned-field").forEach(function (field) {
    field.hidden = false;
  });
});

// On a phone the queue's filters fold behind one button, unless one of them is in use.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.filters[data-more]");
  if (!form || !window.matchMedia("(max-width: 640px)").matches) return;
  var inUse = Array.prototype.some.call(form.querySelectorAll(".field:not(.grow) select, .field:not(.grow) input"), function (field) {
    return field.value !== "";
  });
  if (inUse) return;
  form.classList.add("folded");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary unfold";
  button.textContent = form.dataset.more;
  button.addEventListener("click", function () {
    form.classList.remove("folded");
    button.remove();
  });
  form.querySelector(".field.grow").after(button);
});
