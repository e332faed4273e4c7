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
