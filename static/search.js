// The search page (/recherche/): a small interface on Pagefind's JavaScript API.
// Loaded by that page alone; it fetches the index written by `nftsite build` (pagefind/) and
// only the parts of it a query needs. Every text it shows is French; results are built with
// DOM methods, never from HTML strings, except Pagefind's highlighting (<mark>), rebuilt here.

const form = document.getElementById("recherche");
const field = document.getElementById("recherche-q");
const filtersBox = document.getElementById("recherche-filtres");
const status = document.getElementById("recherche-etat");
const list = document.getElementById("recherche-resultats");
const noScript = document.getElementById("recherche-sans-js");

const SHOWN = 20;
const FILTERS = [
  ["kind", "Type"],
  ["city", "Ville"],
  ["theme", "Thème"],
];
const KIND_LABELS = {
  "événement": "Événement",
  startup: "Startup",
  lieu: "Lieu",
  "communiqué": "Communiqué",
  page: "Page",
};

noScript.hidden = true;

const plural = (count, one, many) => `${count} ${count > 1 ? many : one}`;

function say(text) {
  status.textContent = text;
}

// Pagefind's excerpt is text with <mark> around the matched words: keep exactly that.
function excerpt(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html;
  const out = document.createDocumentFragment();
  for (const node of holder.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(document.createTextNode(node.textContent));
    }
  }
  return out;
}

function selects() {
  const chosen = {};
  for (const select of filtersBox.querySelectorAll("select")) {
    if (select.value) chosen[select.name] = select.value;
  }
  return chosen;
}

function drawFilters(counts) {
  for (const [name, label] of FILTERS) {
    const values = counts[name] || {};
    const id = `recherche-filtre-${name}`;
    let select = document.getElementById(id);
    if (!select) {
      const wrap = document.createElement("div");
      wrap.className = "form-field";
      const caption = document.createElement("label");
      caption.htmlFor = id;
      caption.textContent = label;
      select = document.createElement("select");
      select.id = id;
      select.name = name;
      select.addEventListener("change", run);
      wrap.append(caption, select);
      filtersBox.append(wrap);
    }
    const current = select.value;
    select.replaceChildren(new Option("Tous", ""));
    for (const value of Object.keys(values).sort((a, b) => a.localeCompare(b, "fr"))) {
      const shown = KIND_LABELS[value] || value;
      select.append(new Option(`${shown} (${values[value]})`, value, false, value === current));
    }
    if (current && !(current in values)) {
      select.append(new Option(`${KIND_LABELS[current] || current} (0)`, current, false, true));
    }
  }
  filtersBox.hidden = false;
}

function drawResult(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const about = document.createElement("p");
  about.className = "search-meta";
  const kind = data.meta.kind || "";
  about.textContent = [KIND_LABELS[kind] || kind, data.meta.date].filter(Boolean).join(" · ");
  const text = document.createElement("p");
  text.className = "search-excerpt";
  text.append(excerpt(data.excerpt || ""));
  item.append(heading, about, text);
  return item;
}

let pagefind = null;
let latest = 0;

async function run(event) {
  if (event) event.preventDefault();
  if (!pagefind) return;
  const query = field.value.trim();
  const chosen = selects();
  const url = new URL(location.href);
  url.search = "";
  if (query) url.searchParams.set("q", query);
  for (const [name, value] of Object.entries(chosen)) url.searchParams.set(name, value);
  history.replaceState(null, "", url);
  const turn = ++latest;
  if (!query && !Object.keys(chosen).length) {
    list.replaceChildren();
    say("Tapez un ou plusieurs mots, puis Entrée.");
    return;
  }
  say("Recherche en cours…");
  const search = await pagefind.search(query || null, { filters: chosen });
  if (turn !== latest || !search) return;
  const datas = await Promise.all(search.results.slice(0, SHOWN).map((r) => r.data()));
  if (turn !== latest) return;
  drawFilters(search.filters || {});
  list.replaceChildren(...datas.map(drawResult));
  const total = search.results.length;
  const words = query ? ` pour « ${query} »` : "";
  if (!total) {
    say(`Aucun résultat${words}. Essayez un autre mot ou retirez un filtre.`);
  } else if (total > SHOWN) {
    say(`${plural(total, "résultat", "résultats")}${words} ; les ${SHOWN} premiers sont affichés.`);
  } else {
    say(`${plural(total, "résultat", "résultats")}${words}.`);
  }
}

async function start() {
  try {
    pagefind = await import(`${form.dataset.index}pagefind.js`);
    await pagefind.options({ baseUrl: form.dataset.base, excerptLength: 24 });
    await pagefind.init();
  } catch {
    say(
      "La recherche n'est pas disponible ici : son index n'a pas été construit. " +
        "Il l'est par « nftsite build » (l'aperçu de « nftsite serve » ne le construit pas).",
    );
    return false;
  }
  drawFilters(await pagefind.filters());
  for (const [name] of FILTERS) {
    const select = document.getElementById(`recherche-filtre-${name}`);
    const wanted = params.get(name);
    if (wanted) {
      if (![...select.options].some((option) => option.value === wanted)) {
        select.append(new Option(wanted, wanted));
      }
      select.value = wanted;
    }
  }
  return true;
}

// The engine and its index load when a search is asked for (a query in the address, or the
// field used), never merely by opening the page: a visit costs no search bytes until then.
let starting = null;
function ready() {
  if (!starting) starting = start();
  return starting;
}

const params = new URLSearchParams(location.search);
field.value = params.get("q") || "";
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (await ready()) await run();
});
field.addEventListener("focus", ready, { once: true });
field.addEventListener("input", ready, { once: true });
if (params.get("q") || FILTERS.some(([name]) => params.get(name))) {
  ready().then((ok) => ok && run());
} else {
  say("Tapez un ou plusieurs mots, puis Entrée.");
}
