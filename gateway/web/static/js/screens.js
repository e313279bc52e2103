// The cabinet's screens and their addresses. A screen and the number on it are the page's
// address (`?screen=tariff&number=%2B79000000005`, the History API, no framework): Back and
// Forward move between them, a reload shows the same screen, and a link to a screen opens
// it once the person has logged in. The sections are those of an operator's own app.

/** Screen -> the home-screen sections (card ids) it shows, in order. */
export const SCREENS = {
  home: ["balance", "expenses", "numbers", "share", "password"],
  tariff: ["tariff", "packages", "services", "orders"],
  payments: ["balance", "topup", "autopay", "statement"],
  offers: ["offers"],
  support: ["support"],
};
export const SCREEN_NAMES = Object.keys(SCREENS);
export const DEFAULT_SCREEN = "home";

/** {screen, msisdn} of an address (msisdn null: the owner's own number). */
export function fromLocation(location = window.location) {
  const params = new URLSearchParams(location.search);
  const asked = params.get("screen");
  const screen = SCREEN_NAMES.includes(asked) ? asked : DEFAULT_SCREEN;
  const number = params.get("number");
  return { screen, msisdn: number && /^\+\d{6,15}$/.test(number) ? number : null };
}

/** The address of `screen` for `msisdn` (the owner's number is left out: it is the default). */
export function addressOf(screen, msisdn, owner) {
  const params = new URLSearchParams();
  if (screen && screen !== DEFAULT_SCREEN) params.set("screen", screen);
  if (msisdn && msisdn !== owner) params.set("number", msisdn);
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ""}`;
}

/** The screen a section is shown on (the first that has it). */
export function screenOf(section) {
  return SCREEN_NAMES.find((name) => SCREENS[name].includes(section)) ?? DEFAULT_SCREEN;
}
