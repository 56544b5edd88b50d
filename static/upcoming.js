// Keeps « à venir » true between two builds: an event whose end (data-ends, written by
// the build) has passed leaves the upcoming lists, its « Ajouter à mon agenda » is hidden,
// a period page (data-period) keeps only what is still in its period, and the facet
// options' counts follow. Without this script the pages stay as built.
(function () {
  "use strict";
  var now = new Date();
  var weekEnd = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 7 - ((now.getDay() + 6) % 7));
  var monthEnd = new Date(now.getFullYear(), now.getMonth() + 1, 1);
  function periodOf(day) {
    var parts = day.split("-");
    var start = new Date(+parts[0], +parts[1] - 1, +parts[2]);
    return start < weekEnd ? "cette-semaine" : start < monthEnd ? "ce-mois-ci" : "plus-tard";
  }
  document.querySelectorAll(".add-to-calendar[data-ends]").forEach(function (section) {
    if (Date.parse(section.getAttribute("data-ends")) <= now.getTime()) section.hidden = true;
  });
  document.querySelectorAll("[data-upcoming]").forEach(function (list) {
    var period = list.getAttribute("data-period");
    var shown = 0;
    list.querySelectorAll("[data-ends]").forEach(function (card) {
      var over = Date.parse(card.getAttribute("data-ends")) <= now.getTime();
      var moved = period && periodOf(card.getAttribute("data-starts")) !== period;
      card.hidden = over || moved;
      if (!card.hidden) shown += 1;
    });
    list.querySelectorAll("section").forEach(function (month) {
      if (!month.querySelector("article:not([hidden])")) month.hidden = true;
    });
    var count = document.querySelector("[data-count]");
    if (count && list.querySelector("[data-ends]")) {
      var noun = count.getAttribute("data-count");
      var recurring = list.querySelectorAll("article:not([data-ends])").length;
      var total = shown + recurring;
      count.textContent = total + " " + noun + (total > 1 ? "s" : "") + " à venir";
    }
  });
  // The facets' nav lists `day/end/cities/themes/period` of every event its options count
  // (no end: recurring, never over); an option (data-key: city/theme/period, empty for any)
  // counts those still to come that its page lists and keeps by the same rules.
  var facets = document.querySelector(".facets[data-events]");
  var events = facets ? facets.getAttribute("data-events").split(" ") : [];
  document.querySelectorAll(".facets [data-key]").forEach(function (option) {
    var key = option.getAttribute("data-key").split("/");
    var count = events.filter(function (event) {
      var parts = event.split("/");
      if (parts[1] && +parts[1] * 1000 <= now.getTime()) return false;
      if (key[2] && periodOf(parts[0]) !== key[2]) return false;
      return key.every(function (slug, i) {
        return !slug || parts[2 + i].split(".").indexOf(slug) >= 0;
      });
    }).length;
    option.textContent = option.textContent.replace(/\(\d+\)$/, "(" + count + ")");
  });
})();
