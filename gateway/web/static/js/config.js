// What the server tells the page about where it runs: `/web-config.json` answers
// {"demo": true, "smsInbox": "http://127.0.0.1:8103/admin/messages?msisdn=", "topUp":
// {"min": "10", "max": "15000"}} in the demo.
// A `<meta name="tgw-config" content='{...}'>` in index.html may say the same where no
// route serves the JSON; with neither, the page is in production mode (no inbox link).

const DEFAULT = { demo: false };

function fromMeta() {
  const meta = document.querySelector('meta[name="tgw-config"]');
  if (!meta) return null;
  try {
    return JSON.parse(meta.content);
  } catch {
    return null;
  }
}

function valid(config) {
  if (!config || typeof config !== "object") return DEFAULT;
  const demo = config.demo === true;
  // Only an http(s) URL is ever put in a link.
  const inbox = typeof config.smsInbox === "string" && /^https?:\/\//.test(config.smsInbox) ? config.smsInbox : undefined;
  // The range of a top-up, as decimal strings; without it the server alone checks.
  const range = config.topUp;
  const topUp =
    range && /^\d+(\.\d+)?$/.test(range.min) && /^\d+(\.\d+)?$/.test(range.max) ? { min: range.min, max: range.max } : undefined;
  return { demo, smsInbox: demo ? inbox : undefined, topUp };
}

export async function loadConfig() {
  try {
    const response = await fetch("web-config.json", { cache: "no-store", credentials: "omit" });
    if (response.ok) return valid(await response.json());
  } catch {
    // Not served: fall through.
  }
  return valid(fromMeta());
}
