// Rebound's only script of its own: upload progress for the CSV import.
// Everything else is plain HTML plus htmx; the pages work without either.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("#upload-form") : null;
  var bar = form && form.querySelector("#upload-progress");
  if (!bar || !event.detail.lengthComputable) { return; }
  bar.hidden = false;
  bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
});

// The board: drag a card to another column to move it (posted through htmx, so the board
// comes back fresh). Dropping on "Not this time" asks about the rejection first. Each card's
// "Move" form does the same without a mouse, and without JavaScript.
function setUpBoard(root) {
  var board = root.querySelector ? root.querySelector("[data-board]") : null;
  if (!board || typeof Sortable === "undefined") { return; }
  board.querySelectorAll(".board-list").forEach(function (list) {
    Sortable.create(list, {
      group: "board", draggable: "li[data-movable]", animation: 120,
      filter: "details, input, select, button, textarea", preventOnFilter: false,
      forceFallback: true, fallbackTolerance: 4, ghostClass: "card-ghost", chosenClass: "card-chosen",
      // on a touch screen a short hold starts a drag, so a swipe still scrolls the columns
      delay: 200, delayOnTouchOnly: true,
      onEnd: function (event) { cardDropped(board, event); }
    });
  });
}

function cardDropped(board, event) {
  if (event.from === event.to) { return; }
  var card = event.item, stage = event.to.dataset.stage;
  if (stage === "rejected") {
    event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
    openRejection(card.dataset.rejectUrl);
    return;
  }
  htmx.ajax("POST", card.dataset.moveUrl, {
    source: card, target: "#board", swap: "outerHTML",
    values: {stage: stage, next: "board", filters: board.dataset.filters || ""}
  });
}

function openRejection(url) {
  var dialog = document.getElementById("reject-dialog");
  if (!dialog) { window.location.href = url; return; }
  htmx.ajax("GET", url, {target: "#reject-dialog-body", swap: "innerHTML"}).then(function () {
    dialog.showModal();
    var first = dialog.querySelector("select, input, textarea");
    if (first) { first.focus(); }
  });
}

document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-close-dialog]") : null;
  var dialog = button && button.closest("dialog");
  if (dialog) { dialog.close(); }
});

if (typeof htmx !== "undefined") { htmx.onLoad(setUpBoard); }

// After a move from the keyboard, focus returns to the moved card (its link) in the fresh board,
// rather than falling back to the top of the page.
// Only a card's own request sets it, and only the board's swap uses it: the badge's poll, which
// starts right after a move, must not make the board forget which card moved.
var movedCard = null;
document.addEventListener("htmx:configRequest", function (event) {
  var card = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("li.card") : null;
  if (card) { movedCard = card.dataset.id; }
});
document.addEventListener("htmx:afterSettle", function (event) {
  var settled = event.detail.elt;
  if (!movedCard || !settled || settled.id !== "board") { return; }
  var link = document.querySelector("li.card[data-id='" + movedCard + "'] .card-title a");
  movedCard = null;
  if (link) { link.focus(); }
});

// The inbox badge polls calmly, every 30 s. It looks again at once when the page comes back into
// view, and after anything the person does on the page: marking something read changes the count
// at once, recording a rejection a moment later (once the notifier has heard of it).
function badgeLookAgain() {
  var badge = document.getElementById("inbox-badge");
  if (badge && typeof htmx !== "undefined") { htmx.trigger(badge, "look-again"); }
}
document.addEventListener("visibilitychange", function () {
  if (document.visibilityState === "visible") { badgeLookAgain(); }
});
document.addEventListener("htmx:afterRequest", function (event) {
  var config = event.detail.requestConfig;
  if (!config || config.verb === "get" || !event.detail.successful) { return; }
  [0, 1000, 3000, 8000].forEach(function (ms) { setTimeout(badgeLookAgain, ms); });
});
