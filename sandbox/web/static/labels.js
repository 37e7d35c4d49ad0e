// The page's own words in the language of the open persona, as Telegram's app speaks to that
// user. The table is sandbox/web/labels.py, sent in /api/state; the server already rendered the
// page in the language of the persona in its address (?persona=<id>), so the first paint fits.
let table = {};
let language = document.documentElement.lang || "en";

export function setTable(labels) {
  table = labels || {};
}

export function currentLanguage() {
  return language;
}

// A label, with {name}-style placeholders filled in; English when the language lacks it.
export function tr(key, params = {}) {
  const english = table.en || {};
  const text = (table[language] || english)[key] ?? english[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}

// Speak `code` (a Telegram language code such as "ru" or "en-US"): relabel every marked element.
export function setLanguage(code) {
  const base = String(code || "").split("-")[0].toLowerCase();
  const next = table[base] ? base : "en";
  if (next === language) return false;
  language = next;
  document.documentElement.lang = next;
  for (const element of document.querySelectorAll("[data-l10n]")) element.textContent = tr(element.dataset.l10n);
  for (const element of document.querySelectorAll("[data-l10n-title]")) element.title = tr(element.dataset.l10nTitle);
  for (const element of document.querySelectorAll("[data-l10n-placeholder]")) {
    element.placeholder = tr(element.dataset.l10nPlaceholder);
  }
  return true;
}
