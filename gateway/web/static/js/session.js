// The logged-in session: tokens in sessionStorage (gone when the tab closes, not shared
// with other tabs or sent anywhere by the browser on its own), and a refresh shortly
// before the access token expires so a person reading the page is never logged out.

const STORAGE_KEY = "tgw.session";
// Refresh this long before expiry, or at a quarter of the token's life if it is shorter.
const MARGIN_MS = 60_000;

export class Session {
  /**
   * @param {(refreshToken: string) => Promise<object|null>} exchange
   *   trades a refresh token for a new AuthPayload (null when the server refuses it).
   * @param {() => void} onExpired called when the session cannot be kept alive.
   */
  constructor(exchange, onExpired) {
    this.exchange = exchange;
    this.onExpired = onExpired;
    this.timer = null;
    this.refreshing = null;
    this.state = this.read();
    if (this.state) this.schedule();
  }

  read() {
    try {
      const raw = sessionStorage.getItem(STORAGE_KEY);
      return raw ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
  }

  get active() {
    return this.state !== null;
  }

  get msisdn() {
    return this.state?.msisdn ?? null;
  }

  accessToken() {
    return this.state?.accessToken ?? null;
  }

  /** Keeps an AuthPayload from logIn, logInWithPassword or refreshSession. */
  start(payload) {
    const issued = Date.now();
    this.state = {
      accessToken: payload.accessToken,
      refreshToken: payload.refreshToken,
      accessTokenExpiresAt: payload.accessTokenExpiresAt,
      issuedAt: issued,
      msisdn: payload.subscriber?.msisdn ?? this.state?.msisdn ?? null,
    };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.state));
    this.schedule();
  }

  schedule() {
    clearTimeout(this.timer);
    const expires = Date.parse(this.state.accessTokenExpiresAt);
    const life = Math.max(0, expires - (this.state.issuedAt ?? Date.now()));
    const at = expires - Math.min(MARGIN_MS, life / 4);
    this.timer = setTimeout(() => this.refresh(), Math.max(0, at - Date.now()));
  }

  /**
   * New tokens for the refresh token. Single flight: the refresh token rotates, and
   * presenting a rotated one again revokes the whole session, so two refreshes at once
   * (a timer and a failed request) must share one call.
   */
  refresh() {
    if (!this.state) return Promise.resolve(false);
    if (!this.refreshing) {
      const token = this.state.refreshToken;
      this.refreshing = this.exchange(token)
        .then((payload) => {
          if (!payload) {
            this.end();
            this.onExpired();
            return false;
          }
          this.start(payload);
          return true;
        })
        .catch(() => {
          // Network trouble: keep the tokens, try again shortly.
          clearTimeout(this.timer);
          this.timer = setTimeout(() => this.refresh(), 15_000);
          return false;
        })
        .finally(() => {
          this.refreshing = null;
        });
    }
    return this.refreshing;
  }

  /** Forgets the tokens here; the caller ends the session on the server. */
  end() {
    clearTimeout(this.timer);
    this.state = null;
    sessionStorage.removeItem(STORAGE_KEY);
  }
}
