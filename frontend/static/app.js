// Rebound's only script of its own: upload progress for the CSV import.
// Everything else is plain HTML plus htmx; the pages work without either.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("#upload-form") : null;
  var bar = form && form.querySelector("#upload-progress");
  if (!bar || !event.detail.lengthComputable) { return; }
  bar.hidden = false;
  bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
});
