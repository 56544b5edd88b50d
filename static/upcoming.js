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
  // Each facet option lists `day/end` of the events it counts (a recurring one has no end
  // and always counts): recount it by the same rules as the page it leads to.
  document.querySelectorAll(".facets [data-items]").forEach(function (option) {
    var period = option.getAttribute("data-period");
    var count = option.getAttribute("data-items").split(" ").filter(function (item) {
      var parts = item.split("/");
      if (!parts[1]) return true;
      return Date.parse(parts[1]) > now.getTime() && !(period && periodOf(parts[0]) !== period);
    }).length;
    option.textContent = option.textContent.replace(/\(\d+\)$/, "(" + count + ")");
  });
})();
