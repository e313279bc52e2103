// The language of the page: Russian unless the visitor chose English, remembered in
// localStorage (a preference, not a secret, so it may outlive the session).
import { STRINGS } from "./strings.js";

const STORAGE_KEY = "tgw.lang";
const LANGS = ["ru", "en"];
const listeners = new Set();

function stored() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(value) ? value : null;
  } catch {
    return null; // storage disabled: fall back to Russian
  }
}

let current = stored() || "ru";

export function lang() {
  return current;
}

/** The locale for Intl formatting of numbers and dates. */
export function locale() {
  return current === "ru" ? "ru-RU" : "en-GB";
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // The choice then lasts for this page only.
  }
  for (const listener of listeners) listener(next);
}

export function onLangChange(listener) {
  listeners.add(listener);
}

/** t("balance.title"), t("errors.invalidCode", {tries: 2}); a missing key shows itself. */
export function t(key, params = {}) {
  const text = STRINGS[current][key] ?? STRINGS.ru[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Translate the static markup of index.html: `data-i18n` holds the key. */
export function translateStatic(root = document) {
  document.documentElement.lang = current;
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  document.title = t("brand");
}
