/* « Partager » (templates/partials/share.html): adds, where the browser allows them, the
   system share sheet and a button that copies the page's address. Without this script the
   plain share links remain; nothing here loads anything. */
(function () {
  "use strict";
  var actions = document.querySelector(".share-actions");
  if (!actions) { return; }
  var url = actions.getAttribute("data-url");
  var title = actions.getAttribute("data-title");
  var status = actions.querySelector(".share-status");
  var native = actions.querySelector('[data-share="native"]');
  var copy = actions.querySelector('[data-share="copy"]');

  function say(text) { status.textContent = text; }

  function copyWithSelection() {
    /* For browsers without the asynchronous clipboard (or outside HTTPS). */
    var field = document.createElement("textarea");
    field.value = url;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    document.body.removeChild(field);
    return done;
  }

  copy.addEventListener("click", function () {
    say("");
    var failed = function () {
      say(copyWithSelection() ? "Lien copié." : "Copie impossible : le lien est " + url);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { say("Lien copié."); }, failed);
    } else {
      failed();
    }
  });

  if (navigator.share) {
    native.hidden = false;
    native.addEventListener("click", function () {
      navigator.share({ title: title, url: url }).catch(function () { /* closed: nothing to say */ });
    });
  }
  actions.hidden = false;
}());
