/* « Proposer un événement » : compose the event's Markdown file from the form, as
   `nftsite new evenement` writes it (without the draft line), check what can be checked
   here, and hand the file over (GitHub "new file" link, e-mail, text to copy).
   The lists (cities, themes, places) are the page's own options, written by the build. */
(function () {
  "use strict";
  var form = document.getElementById("proposer");
  if (!form || !window.URL || !window.crypto) { return; }
  form.hidden = false;

  var status = document.getElementById("proposer-erreurs");
  var result = document.getElementById("proposer-resultat");
  var fileText = document.getElementById("proposer-fiche");
  var githubItem = document.getElementById("proposer-github-item");
  var github = document.getElementById("proposer-github");
  var mail = document.getElementById("proposer-courriel");

  function field(id) { return document.getElementById(id); }
  function value(id) { return field(id).value.trim(); }
  function oneLine(text) { return text.replace(/\s+/g, " ").trim(); }

  function slugify(text) {
    var spelled = text.replace(/œ/g, "oe").replace(/Œ/g, "Oe").replace(/æ/g, "ae")
      .replace(/Æ/g, "Ae").replace(/ß/g, "ss");
    var ascii = spelled.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
    var slug = ascii.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (slug.length > 100) {
      var cut = slug.slice(0, 101);
      var boundary = cut.lastIndexOf("-");
      slug = (boundary > 0 ? cut.slice(0, boundary) : slug.slice(0, 100)).replace(/^-+|-+$/g, "");
    }
    return slug;
  }

  function uuid() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function options(select) {
    return Array.prototype.map.call(field(select).options, function (o) { return o.value; })
      .filter(function (v) { return v !== ""; });
  }

  function isDate(text) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) { return false; }
    var d = new Date(text + "T00:00:00Z");
    return !isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
  }
  function isTime(text) { return /^([01]\d|2[0-3]):[0-5]\d$/.test(text); }
  function isWebAddress(text) {
    try {
      var url = new URL(text);
      return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.indexOf(".") > 0 && text.indexOf(" ") < 0;
    } catch (e) { return false; }
  }

  var errorFields = {
    title: ["p-title"], start: ["p-start-date", "p-start-time"], end: ["p-end-date", "p-end-time"],
    city: ["p-city"], place: ["p-place"], registration: ["p-registration"], themes: []
  };

  function showErrors(errors) {
    Object.keys(errorFields).forEach(function (name) {
      var message = errors[name] || "";
      field("p-" + name + "-erreur").textContent = message;
      errorFields[name].forEach(function (id) {
        if (message) { field(id).setAttribute("aria-invalid", "true"); }
        else { field(id).removeAttribute("aria-invalid"); }
      });
    });
    var messages = Object.keys(errors).map(function (name) { return errors[name]; });
    status.textContent = messages.length
      ? "La fiche n'est pas prête : " + messages.length + (messages.length > 1 ? " erreurs" : " erreur") + ". " + messages.join(" ")
      : "";
  }

  function read() {
    var errors = {};
    var title = oneLine(value("p-title"));
    var startDate = value("p-start-date"), startTime = value("p-start-time");
    var endDate = value("p-end-date"), endTime = value("p-end-time");
    var city = value("p-city"), place = value("p-place");
    var registration = value("p-registration");
    var themes = Array.prototype.filter.call(form.querySelectorAll("input[name=themes]"), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });

    if (!title) { errors.title = "Indiquez le titre de l'événement."; }
    else if (/[\x00-\x1f\x7f-\x9f]/.test(title)) { errors.title = "Le titre contient un caractère invisible : retapez-le au clavier."; }
    else if (!slugify(title)) { errors.title = "Le titre doit contenir au moins une lettre ou un chiffre."; }
    if (!startDate) { errors.start = "Indiquez la date de début."; }
    else if (!isDate(startDate)) { errors.start = "La date de début n'est pas une date valide (jj/mm/aaaa)."; }
    else if (startTime && !isTime(startTime)) { errors.start = "L'heure de début n'est pas une heure valide (hh:mm)."; }
    if (!errors.start && (endDate || endTime)) {
      var lastDay = endDate || startDate;
      if (!isDate(lastDay)) { errors.end = "La date de fin n'est pas une date valide (jj/mm/aaaa)."; }
      else if (endTime && !isTime(endTime)) { errors.end = "L'heure de fin n'est pas une heure valide (hh:mm)."; }
      else if (!startTime && endTime) { errors.end = "Pour une heure de fin, indiquez aussi l'heure de début."; }
      else if (startTime && !endTime) { errors.end = "Indiquez aussi l'heure de fin (ou laissez la fin vide)."; }
      else if (startTime ? (lastDay + " " + endTime) <= (startDate + " " + startTime) : lastDay < startDate) {
        errors.end = "La fin doit venir après le début.";
      }
    }
    if (!city) { errors.city = "Choisissez la ville de l'événement."; }
    else if (options("p-city").indexOf(city) < 0) { errors.city = "Choisissez une ville de la liste."; }
    if (place) {
      var chosen = Array.prototype.filter.call(field("p-place").options, function (o) { return o.value === place; })[0];
      if (!chosen) { errors.place = "Choisissez un lieu de la liste."; }
      else if (city && !errors.city && chosen.getAttribute("data-city") !== city) {
        errors.place = "Ce lieu n'est pas dans la ville choisie : corrigez la ville ou le lieu.";
      }
    }
    var knownThemes = Array.prototype.map.call(form.querySelectorAll("input[name=themes]"), function (box) { return box.value; });
    if (themes.some(function (theme) { return knownThemes.indexOf(theme) < 0; })) { errors.themes = "Choisissez des thèmes de la liste."; }
    if (registration && !isWebAddress(registration)) {
      errors.registration = "L'adresse d'inscription doit être une adresse web complète, commençant par https://.";
    }
    var end = "";
    if (endDate || endTime) { end = (endDate || startDate) + (endTime ? " " + endTime : ""); }
    return {
      errors: errors, title: title, start: startDate + (startTime ? " " + startTime : ""), end: end,
      city: city, place: place, themes: themes, organizer: oneLine(value("p-organizer")),
      registration: registration, description: field("p-description").value.trim()
    };
  }

  function compose(event) {
    var q = JSON.stringify;
    var lines = ["---", "title: " + q(event.title), "start: " + event.start];
    if (event.end) { lines.push("end: " + event.end); }
    if (event.place) { lines.push("place: " + event.place); }
    lines.push("city: " + event.city);
    if (event.organizer) { lines.push("organizer: " + q(event.organizer)); }
    if (event.themes.length) { lines.push("themes: [" + event.themes.join(", ") + "]"); }
    if (event.registration) { lines.push("registration: " + q(event.registration)); }
    lines.push("uid: " + uuid() + "@" + form.getAttribute("data-uid-host"));
    lines.push("---");
    lines.push(event.description);
    return lines.join("\n").replace(/\n*$/, "\n");
  }

  form.addEventListener("submit", function (submitted) {
    submitted.preventDefault();
    var event = read();
    showErrors(event.errors);
    if (Object.keys(event.errors).length) {
      result.hidden = true;
      var first = form.querySelector("[aria-invalid=true]");
      if (first) { first.focus(); }
      return;
    }
    var text = compose(event);
    var slug = slugify(event.title);
    fileText.value = text;
    var newFile = form.getAttribute("data-new-file");
    if (newFile) {
      github.href = newFile + event.start.slice(0, 4) + "?filename=" + encodeURIComponent(slug + ".md") +
        "&value=" + encodeURIComponent(text);
      githubItem.hidden = false;
    } else {
      githubItem.hidden = true;
    }
    mail.href = "mailto:" + form.getAttribute("data-contact") +
      "?subject=" + encodeURIComponent("Proposition d'événement : " + event.title) +
      "&body=" + encodeURIComponent("Fichier content/events/" + event.start.slice(0, 4) + "/" + slug + ".md :\n\n" + text);
    result.hidden = false;
    status.textContent = "La fiche est prête : transmettez-la avec l'un des liens ci-dessous.";
  });
})();
