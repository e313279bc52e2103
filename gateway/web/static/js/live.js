// Live updates: one subscription over a WebSocket to /graphql, in the graphql-transport-ws
// protocol (connection_init with the token, connection_ack, subscribe, next..., ping/pong).
//
// The socket is opened again whenever it closes, with the session's access token as it is
// then: the server closes with 4403 when the token the socket was opened with expires (the
// session has usually refreshed it by then; if not, it is refreshed first). Other closes
// (network, a restarted gateway) are retried after 1, 2, 4... up to 30 seconds. Nothing
// is retried after stop(), nor once the session has ended.

const PROTOCOL = "graphql-transport-ws";
const FORBIDDEN = 4403;
const MAX_DELAY_MS = 30_000;
// A token this close to its expiry is treated as expired (clocks differ a little).
const EXPIRY_MARGIN_MS = 5_000;

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

function expiring(session) {
  const expires = Date.parse(session.state?.accessTokenExpiresAt ?? "");
  return !Number.isFinite(expires) || expires - Date.now() < EXPIRY_MARGIN_MS;
}

/**
 * Follows `operation` (a subscription of operations.js) with `variables`.
 *
 * @param {object} o
 * @param {object} o.session   the Session of api.js: accessToken(), refresh(), active
 * @param {(data: object) => void} o.onNext  each result's `data`
 * @param {(state: "connecting"|"live"|"offline") => void} [o.onState]
 * @param {() => void} [o.onLive] each time the subscription is (again) in place: the
 *   caller asks for what it may have missed while the socket was closed
 * @returns {{stop: () => void}}
 */
export function follow({ operation, variables, session, onNext, onState = () => {}, onLive = () => {} }) {
  let socket = null;
  let stopped = false;
  let timer = null;
  let failures = 0;

  const send = (ws, message) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };

  function retryLater() {
    failures += 1;
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(failures - 1, 5));
    timer = setTimeout(connect, delay);
  }

  function connect() {
    timer = null;
    if (stopped) return;
    if (!session.active) {
      stop();
      return;
    }
    const token = session.accessToken();
    onState("connecting");
    const ws = new WebSocket(socketUrl(), PROTOCOL);
    socket = ws;
    ws.addEventListener("open", () => {
      // Stopped while connecting: closed only now, as closing a connecting socket is an error.
      if (socket !== ws) ws.close(1000);
      else send(ws, { type: "connection_init", payload: { authorization: `Bearer ${token}` } });
    });
    ws.addEventListener("message", (event) => {
      if (socket !== ws) return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      switch (message.type) {
        case "connection_ack":
          failures = 0;
          send(ws, { id: "1", type: "subscribe", payload: { operationName: operation.name, query: operation.text, variables } });
          onState("live");
          onLive();
          break;
        case "ping":
          send(ws, { type: "pong" });
          break;
        case "next":
          if (message.id === "1" && message.payload?.data) onNext(message.payload.data);
          break;
        case "error":
        case "complete":
          // The subscription was refused or ended: start over on a new socket, later.
          ws.close(1000);
          break;
        default:
          break;
      }
    });
    ws.addEventListener("close", (event) => {
      if (socket !== ws) return;
      socket = null;
      if (stopped) return;
      onState("offline");
      if (event.code !== FORBIDDEN) {
        retryLater();
      } else if (session.accessToken() !== token) {
        connect(); // refreshed since: the new token at once
      } else if (expiring(session)) {
        session.refresh().then((ok) => {
          if (stopped) return;
          if (ok) connect();
          else if (session.active) retryLater(); // the network: Session retries too
          else stop(); // refused: the page shows the login
        });
      } else {
        retryLater(); // a valid token refused (too many connections): wait
      }
    });
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    const ws = socket;
    socket = null;
    if (ws && ws.readyState === WebSocket.OPEN) {
      send(ws, { id: "1", type: "complete" });
      ws.close(1000);
    }
    onState("offline");
  }

  connect();
  return { stop };
}
