// Showing amounts, quantities, dates and numbers in the page's language.
import { locale, t } from "./i18n.js";

/**
 * Money arrives as a decimal string ("412.50"), never a float. Display is the only place
 * it becomes a Number: Intl needs one, and two decimals of a few million roubles are
 * exact in a double. Nothing computed here goes back to the server.
 */
export function money(value) {
  if (!value) return "—";
  return new Intl.NumberFormat(locale(), {
    style: "currency",
    currency: value.currency || "RUB",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(Number(value.amount));
}

/** Adds decimal strings in whole kopecks, so fee previews never drift. */
export function addAmounts(...amounts) {
  const kopecks = amounts.reduce((sum, a) => sum + Math.round(Number(a) * 100), 0);
  return (kopecks / 100).toFixed(2);
}

export function number(value, digits = 2) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

/** "GB", "min" and "SMS" as the backends name them, in the page's language. */
export function unit(name) {
  const key = `unit.${name}`;
  const text = t(key);
  return text === key ? name : text;
}

export function quantity(value, unitName) {
  return `${number(value)} ${unit(unitName)}`;
}

export function date(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(iso));
}

/** "6 декабря 2026 г. в 12:19": a moment, in the page's time zone (no trailing stop). */
export function dateTime(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" })
    .format(new Date(iso));
}

export function time(iso) {
  return new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/**
 * What people type (8 900 000-00-01, +7 (900) 000-00-01, 79000000001) as E.164, or null.
 * Only for links and display: the gateway validates numbers with libphonenumber.
 */
export function toE164(text) {
  const digits = String(text || "").replace(/\D/g, "");
  if (digits.length === 11 && (digits[0] === "8" || digits[0] === "7")) return `+7${digits.slice(1)}`;
  if (digits.length === 10 && digits[0] === "9") return `+7${digits}`;
  return null;
}

/** +79000000001 -> +7 900 000-00-01 */
export function msisdn(e164) {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(e164 || "");
  return m ? `+7 ${m[1]} ${m[2]}-${m[3]}-${m[4]}` : e164 || "";
}

/**
 * A wait as people say it: "45 с", "12 мин", "21 ч 28 мин" (not "77262 с"). Rounded up,
 * as the gateway rounds its message, so that trying again at the time said works.
 */
export function wait(seconds) {
  const total = Math.max(1, Math.ceil(Number(seconds) || 0));
  if (total < 60) return t("wait.seconds", { n: total });
  const minutes = Math.ceil(total / 60);
  if (minutes < 60) return t("wait.minutes", { n: minutes });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? t("wait.hoursMinutes", { h, m }) : t("wait.hours", { h });
}

/** A date input's value (YYYY-MM-DD) for a Date, in UTC like the billing periods. */
export function isoDay(d) {
  return d.toISOString().slice(0, 10);
}
