// Sign-up: preselect the browser's own time zone in the list (the server's default is UTC).
// A choice already made (a form sent back with a problem) is left as it is.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.querySelector("select[data-detect-zone]");
  if (!select || select.dataset.chosen) { return; }
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { return; }
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; return; }
  }
});
