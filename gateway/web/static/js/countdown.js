// A button that may not be pressed yet (a new SMS code before the gateway allows one):
// disabled, with the time left shown beside it and counted down, enabled when it is over.
import { h, uid } from "./dom.js";
import { t } from "./i18n.js";

/** 42 -> "0:42", 3725 -> "1:02:05". */
export function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/**
 * Disables `button` until `until` (ms since the epoch) and returns the line that counts
 * down (place it next to the button; the button's own name stays the same, so a screen
 * reader is not told a new name every second). Stops by itself when the button leaves
 * the page.
 */
export function holdUntil(button, until) {
  const line = h("span", { class: "muted countdown", "data-countdown": "", id: uid("countdown") });
  button.disabled = true;
  button.setAttribute("aria-describedby", line.id);
  let first = true;
  const tick = () => {
    // The first tick runs before the line is placed; after that a line gone from the page
    // (another step drawn) ends the count.
    if (!first && !line.isConnected) return;
    first = false;
    const left = (until - Date.now()) / 1000;
    if (left <= 0) {
      button.disabled = false;
      button.removeAttribute("aria-describedby");
      line.remove();
      return;
    }
    line.textContent = t("login.waitFor", { time: clock(left) });
    setTimeout(tick, Math.min(1000, left * 1000 + 20));
  };
  tick();
  return line;
}
