// @media-gateway/sync-client: a user's watchlist, progress, preferences, devices and notifications kept in sync
// with Media Gateway Sync (contract §17). One WebSocket brings a snapshot, then every change once and in order;
// after an outage the client asks only for the changes it missed (§13). Writes go over REST with an
// Idempotency-Key and the device's own HLC, shown at once, queued while offline and sent in order on reconnect.
// No dependencies beyond the platform's fetch and WebSocket: Node.js 20+ (run with --experimental-websocket,
// or pass a WebSocket class) and browsers.

import { DeviceClock } from "./hlc.js";
import { LocalState } from "./state.js";
import { defaultStorage, MemoryStorage, WriteQueue } from "./queue.js";

export { DeviceClock, MemoryStorage };

/** An error of the service (its `error` code and `message`, contract §6) or of the client itself. */
export class SyncError extends Error {
  /**
   * @param {string} code e.g. `unauthorized`, `invalid_field`, `offline`, `queue_full`, `closed`
   * @param {string} message
   * @param {number} [status] the HTTP status, when the service answered
   */
  constructor(code, message, status) {
    super(message);
    this.name = "SyncError";
    this.code = code;
    this.status = status;
  }

  /** A refusal that sending again cannot change (the service answered 4xx other than 401, 408 and 429). */
  get permanent() {
    return this.status !== undefined && this.status >= 400 && this.status < 500 && ![401, 408, 429].includes(this.status);
  }
}

/** Close codes and errors after which reconnecting with the same token cannot help. */
const REFUSED = new Set(["unauthorized", "forbidden", "token_expired"]);

const DEFAULTS = {
  maxPendingWrites: 1000,
  reconnect: { initialDelayMs: 1000, maxDelayMs: 30000 },
  connectTimeoutMs: 15000,
  requestTimeoutMs: 10000,
  confirmAfterMs: 5000,
};

export class SyncClient {
  #options;
  #token;
  #claims;
  #WebSocket;
  #fetch;
  #listeners = new Map();
  #state = new LocalState();
  #clock = new DeviceClock();
  #queue;
  #status = "offline";
  #ws = null;
  #wanted = false;
  #closed = false;
  #refused = null;
  #attempt = 0;
  #reconnectTimer = null;
  #connectTimer = null;
  #liveWaiters = [];
  #writeWaiters = new Map();
  #requests = new Map();
  #requestId = 0;
  #pumping = false;
  #network = null;
  /** The network is back (the browser's `online` event): a connection waiting for its backoff timer is tried now. */
  #onOnline = () => {
    if (this.#wanted && !this.#closed && !this.#ws && this.#reconnectTimer) {
      clearTimeout(this.#reconnectTimer);
      this.#attempt = 0;
      this.#open();
    }
  };

  /**
   * @param {object} options see index.d.ts: baseUrl, token, deviceId, WebSocket, fetch, storage, maxPendingWrites,
   *   reconnect {initialDelayMs, maxDelayMs}, connectTimeoutMs, requestTimeoutMs, confirmAfterMs
   */
  constructor(options) {
    if (!options || typeof options.token !== "string") throw new TypeError("SyncClient needs { token }");
    const base = options.baseUrl ?? globalThis.location?.origin;
    if (!base) throw new TypeError("SyncClient needs { baseUrl } outside a browser page");
    this.#options = { ...DEFAULTS, ...options, reconnect: { ...DEFAULTS.reconnect, ...(options.reconnect || {}) },
      baseUrl: String(base).replace(/\/+$/, "") };
    this.#token = options.token;
    this.#claims = claimsOf(options.token);
    this.#WebSocket = options.WebSocket ?? null; // else the platform's, looked up at each connection
    this.#fetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
    this.#network = options.network ?? (typeof globalThis.addEventListener === "function" ? globalThis : null);
    this.#network?.addEventListener("online", this.#onOnline);
    if (!this.#WebSocket && !globalThis.WebSocket) {
      throw new TypeError("no WebSocket class: pass { WebSocket } (Node.js 20 has one with --experimental-websocket)");
    }
    if (!this.#fetch) throw new TypeError("no fetch: pass { fetch }");
    this.deviceId = options.deviceId ?? this.#claims.device_id ?? null;
    this.userId = this.#claims.sub ?? null;
    const storage = options.storage ?? defaultStorage();
    this.#queue = new WriteQueue(storage, `mgs-sync-client:${this.userId}:${this.deviceId}:writes`, this.#options.maxPendingWrites);
    // Writes a previous client of this user and device left unsent (a reload while offline): shown, and sent first.
    for (const write of this.#queue.all()) {
      this.#clock.see(write.hlc);
      this.#state.addWrite(write);
    }

    this.watchlist = {
      /** Adds a title; resolves with the service's answer ({hlc, unique_tag, token}) once acknowledged. */
      add: (contentId, metadata) => this.#write("watchlist.add", "POST", "/api/v1/sync/watchlist", {
        operation: "add", content_id: contentId, unique_tag: uuid(), ...(metadata ? { content_metadata: metadata } : {}),
      }),
      /** Removes a title: the tags this client sees go (an add made elsewhere meanwhile wins, contract §4). */
      remove: (contentId) => this.#write("watchlist.remove", "POST", "/api/v1/sync/watchlist", {
        operation: "remove", content_id: contentId, observed_tags: this.#state.observedTags(contentId),
      }),
      list: () => this.state.watchlist,
    };
    this.progress = {
      update: ({ contentId, positionSeconds, durationSeconds, state = "paused" }) => this.#write("progress.update", "POST",
        "/api/v1/sync/progress", { content_id: contentId, position_seconds: positionSeconds, duration_seconds: durationSeconds, state }),
      /** "Remove from continue watching" (contract §12). */
      remove: (contentId) => this.#write("progress.remove", "DELETE", `/api/v1/sync/progress/${encodeURIComponent(contentId)}`,
        { content_id: contentId }),
      list: () => this.state.progress,
    };
    this.preferences = {
      set: (key, value) => this.#write("preferences.set", "POST", "/api/v1/sync/preferences", { key, value }),
      get: (key) => this.state.preferences[key],
    };
    this.devices = {
      /** Sends a remote command now (never queued: a command that waited offline would act at the wrong time). */
      command: (targetDeviceId, command) => this.#send("POST", "/api/v1/devices/command",
        { target_device_id: targetDeviceId, command: { params: {}, ...command } }),
      handoff: (targetDeviceId, contentId) => this.#send("POST", "/api/v1/devices/handoff",
        { target_device_id: targetDeviceId, content_id: contentId }),
      list: () => this.state.devices,
    };
    this.notifications = {
      /** The user's notifications, newest first: not dismissed, not expired. */
      list: () => this.state.notifications,
      read: (id) => this.#write("notifications.read", "POST", `/api/v1/notifications/${encodeURIComponent(id)}/read`,
        { notification_id: id }, false),
      dismiss: (id) => this.#write("notifications.dismiss", "POST", `/api/v1/notifications/${encodeURIComponent(id)}/dismiss`,
        { notification_id: id }, false),
    };
  }

  /** `connecting`, `live` (caught up; pushed changes arrive) or `offline`. */
  get status() {
    return this.#status;
  }

  /** The state to show: the server's, with this client's unconfirmed writes laid over it (marked `pending`). */
  get state() {
    return this.#state.view();
  }

  /** Where the client is in the user's changes (contract §13); null before the first snapshot. */
  get cursor() {
    return this.#state.cursor;
  }

  /** The writes not yet acknowledged by the service, oldest first. */
  get pendingWrites() {
    return this.#queue.all().map(({ id, kind, body, hlc, queuedAt }) => ({ id, kind, body, hlc, queuedAt }));
  }

  /**
   * Listens to `state`, `status`, `delta`, `notification`, `command` (a remote command for this device),
   * `broadcast`, `reset`, `tokenExpiring` or `error`; answers a function that stops listening.
   */
  on(event, listener) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(listener);
    return () => this.off(event, listener);
  }

  off(event, listener) {
    this.#listeners.get(event)?.delete(listener);
  }

  /**
   * Opens the session; resolves once live (the snapshot or the missed changes applied). Rejects with a
   * SyncError when the service refuses the token; while the service cannot be reached it keeps trying.
   */
  connect() {
    if (this.#closed) return Promise.reject(new SyncError("closed", "this client was closed"));
    this.#wanted = true;
    this.#refused = null;
    if (this.#status === "live") return Promise.resolve();
    const live = new Promise((resolve, reject) => this.#liveWaiters.push({ resolve, reject }));
    if (!this.#ws && !this.#reconnectTimer) this.#open();
    return live;
  }

  /**
   * Goes on with a fresh token of the same user and device: the open session is extended in place
   * (`{"type":"auth"}`), later requests use it, and a session the old token could not open is opened again.
   */
  async setToken(token) {
    const claims = claimsOf(token);
    if (claims.sub !== this.userId) throw new SyncError("forbidden", "the new token is for another user than this client's");
    this.#token = token;
    this.#claims = claims;
    if (this.#refused && this.#wanted) {
      this.#refused = null;
      if (!this.#ws && !this.#reconnectTimer) this.#open();
      return;
    }
    if (this.#ws && this.#ws.readyState === 1) {
      await this.#ask({ type: "auth", token });
    }
  }

  /**
   * Drops the connection and opens a new one, catching up from the cursor: for an app that knows the network
   * changed (a phone moving from Wi-Fi to mobile data) before the socket does.
   */
  reconnect() {
    if (this.#closed || !this.#wanted) return;
    if (this.#ws) {
      this.#ws.close(4001, "reconnect");
    } else {
      clearTimeout(this.#reconnectTimer);
      this.#open();
    }
  }

  /** Ends the session (the device goes offline with reason `leave`); writes not yet acknowledged stay stored. */
  async close() {
    this.#closed = true;
    this.#network?.removeEventListener("online", this.#onOnline);
    this.#wanted = false;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#connectTimer);
    this.#reconnectTimer = null;
    const ws = this.#ws;
    if (ws) {
      const closed = new Promise((resolve) => {
        ws.addEventListener("close", resolve);
        setTimeout(resolve, 2000);
      });
      ws.close(1000, "client closed");
      await closed;
    }
    this.#ws = null;
    this.#setStatus("offline");
    const error = new SyncError("closed", "the client closed before the service acknowledged this write; it stays in the "
      + "client's storage and a later client of this user and device sends it");
    for (const { reject } of this.#writeWaiters.values()) reject(error);
    this.#writeWaiters.clear();
    for (const { reject } of this.#liveWaiters) reject(new SyncError("closed", "the client was closed"));
    this.#liveWaiters = [];
  }

  // ---- the connection ---------------------------------------------------------------------------------------

  #open() {
    this.#reconnectTimer = null;
    if (!this.#wanted || this.#closed) return;
    this.#setStatus("connecting");
    const since = this.#state.cursor ? `&since=${encodeURIComponent(this.#state.cursor)}` : "";
    const url = `${this.#options.baseUrl.replace(/^http/, "ws")}/ws?token=${encodeURIComponent(this.#token)}${since}`;
    let ws;
    try {
      ws = new (this.#WebSocket ?? globalThis.WebSocket)(url);
    } catch (e) {
      this.#emit("error", new SyncError("connect_failed", String(e?.message ?? e)));
      this.#retry();
      return;
    }
    this.#ws = ws;
    let live = false;
    const becameLive = () => {
      if (!live) {
        live = true;
        clearTimeout(this.#connectTimer);
        this.#live();
      }
    };
    // A session not live in time (a half-open connection, a stuck catch-up) is dropped and tried again — at once:
    // a server that does not read the socket never answers the close handshake, so its close event may never come.
    this.#connectTimer = setTimeout(() => {
      if (live || this.#ws !== ws) return;
      try {
        ws.close(4000, "not live in time");
      } catch { /* closing already */ }
      this.#onClose(ws, { code: 4000, reason: "not live in time" });
    }, this.#options.connectTimeoutMs);
    unref(this.#connectTimer);
    ws.addEventListener("message", (event) => {
      if (this.#ws !== ws) return;
      let message;
      try {
        message = JSON.parse(typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data));
      } catch {
        return;
      }
      this.#receive(message, live, becameLive);
    });
    ws.addEventListener("close", (event) => this.#onClose(ws, event));
    ws.addEventListener("error", () => { /* a close event follows */ });
  }

  #receive(m, live, becameLive) {
    switch (m.type) {
      case "snapshot":
        this.#state.applySnapshot(m);
        this.#clock.see(m.hlc);
        if (m.reset) this.#emit("reset", { cursor: m.cursor });
        this.#emitState();
        becameLive();
        return;
      case "changes": {
        let applied = 0;
        for (const change of m.changes || []) applied += this.#apply({ ...change, type: change.msg_type }) ? 1 : 0;
        if (m.cursor) this.#state.cursor = m.cursor;
        if (applied) this.#emitState();
        if (!m.more) becameLive();
        return;
      }
      case "error": {
        const error = new SyncError(m.error, m.message);
        if (m.id !== undefined && this.#requests.has(m.id)) {
          this.#requests.get(m.id).reject(error);
          this.#requests.delete(m.id);
          return;
        }
        if (REFUSED.has(m.error)) this.#refused = error;
        this.#emit("error", error);
        return;
      }
      case "auth_ok":
      case "ack":
      case "subscribed":
        if (m.id !== undefined && this.#requests.has(m.id)) {
          this.#requests.get(m.id).resolve(m);
          this.#requests.delete(m.id);
        }
        return;
      case "token_expiring":
        this.#emit("tokenExpiring", { expiresAt: m.expires_at, message: m.message });
        return;
      case "broadcast":
        this.#emit("broadcast", m);
        return;
      case "state_reconciliation_response":
        return;
      default:
        if (typeof m.type !== "string") return;
        becameLive(); // a live delta after a catch-up cut short
        if (this.#apply(m)) this.#emitState();
    }
  }

  /** One delta: applied once (by cursor), then told to the listeners. */
  #apply(delta) {
    if (!this.#state.applyDelta(delta)) return false;
    this.#clock.see(delta.hlc);
    this.#emit("delta", delta);
    if (delta.type === "notification") this.#emit("notification", this.#state.notifications.get(delta.notification_id));
    if (delta.type === "remote_command" && delta.target_device_id === this.deviceId) this.#emit("command", delta);
    return true;
  }

  #live() {
    this.#attempt = 0;
    this.#setStatus("live");
    for (const { resolve } of this.#liveWaiters) resolve();
    this.#liveWaiters = [];
    this.#pump();
  }

  #onClose(ws, event) {
    if (this.#ws !== ws) return;
    this.#ws = null;
    clearTimeout(this.#connectTimer);
    for (const { reject } of this.#requests.values()) reject(new SyncError("offline", "the connection closed"));
    this.#requests.clear();
    if (!this.#wanted) {
      this.#setStatus("offline");
      return;
    }
    if (event.code === 1008 && !this.#refused) {
      this.#refused = new SyncError(event.reason || "unauthorized", "the service refused this session's token");
    }
    if (this.#refused) {
      // Another attempt with the same token would be refused again: wait for setToken().
      this.#setStatus("offline");
      for (const { reject } of this.#liveWaiters) reject(this.#refused);
      this.#liveWaiters = [];
      return;
    }
    this.#retry();
  }

  /** The next attempt after a jittered exponential delay: 1 s, 2 s, 4 s … up to 30 s, each between half and all of it. */
  #retry() {
    this.#setStatus("offline");
    const { initialDelayMs, maxDelayMs } = this.#options.reconnect;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#reconnectTimer = setTimeout(() => this.#open(), delay);
  }

  #ask(message) {
    const id = `c${++this.#requestId}`;
    return new Promise((resolve, reject) => {
      this.#requests.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ ...message, id }));
    });
  }

  // ---- writes -----------------------------------------------------------------------------------------------

  /** A state write: shown at once, queued (stored), sent in order when live; resolves when acknowledged. */
  #write(kind, method, path, body, stamped = true) {
    if (this.#closed) return Promise.reject(new SyncError("closed", "this client was closed"));
    if (this.#queue.full) {
      return Promise.reject(new SyncError("queue_full", `${this.#queue.size} writes are waiting to be sent already`));
    }
    const write = { id: uuid(), kind, method, path, body: { ...body }, deviceId: this.deviceId, queuedAt: Date.now() };
    if (stamped) {
      // The write's own time (contract §12): a write queued offline loses to a newer one made elsewhere meanwhile.
      write.hlc = this.#clock.next().toString();
      write.body.hlc = write.hlc;
    }
    const acknowledged = new Promise((resolve, reject) => this.#writeWaiters.set(write.id, { resolve, reject }));
    this.#queue.push(write);
    this.#state.addWrite(write);
    this.#emitState();
    this.#pump();
    return acknowledged;
  }

  /** Sends the queued writes, oldest first, one at a time, while live. */
  async #pump() {
    if (this.#pumping) return;
    this.#pumping = true;
    let failures = 0;
    try {
      while (this.#status === "live" && this.#queue.size) {
        const write = this.#queue.head();
        let answer;
        try {
          answer = await this.#request(write.method, write.path, write.body, write.id);
        } catch (error) {
          if (error instanceof SyncError && error.permanent) {
            this.#queue.remove(write.id);
            this.#state.dropWrite(write.id);
            this.#settle(write.id, (w) => w.reject(error));
            this.#emit("error", error);
            this.#emitState();
            continue;
          }
          // Not answered, or answered "not now": the same write again (its Idempotency-Key makes that safe).
          failures++;
          await sleep(Math.min(5000, 250 * 2 ** Math.min(failures, 5)));
          continue;
        }
        failures = 0;
        this.#queue.remove(write.id);
        this.#clock.see(answer.hlc);
        this.#state.acked(write.id);
        this.#settle(write.id, (w) => w.resolve(answer));
        // Normally the delta of this write confirms it within milliseconds; a write that changed nothing has none.
        unref(setTimeout(() => { this.#state.dropWrite(write.id); this.#emitState(); }, this.#options.confirmAfterMs));
        this.#emitState();
      }
    } finally {
      this.#pumping = false;
    }
  }

  #settle(id, action) {
    const waiter = this.#writeWaiters.get(id);
    this.#writeWaiters.delete(id);
    if (waiter) action(waiter);
  }

  /** A request that is not queued (commands): sent now, refused with `offline` when the service cannot be reached. */
  async #send(method, path, body) {
    if (this.#closed) throw new SyncError("closed", "this client was closed");
    try {
      return await this.#request(method, path, body, uuid());
    } catch (error) {
      if (error instanceof SyncError) throw error;
      throw new SyncError("offline", `the service cannot be reached: ${error?.message ?? error}`);
    }
  }

  async #request(method, path, body, idempotencyKey) {
    const response = await this.#fetch(`${this.#options.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.#token}`, "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.#options.requestTimeoutMs),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new SyncError(answer.error || `http_${response.status}`, answer.message || response.statusText, response.status);
    }
    return answer;
  }

  // ---- events -----------------------------------------------------------------------------------------------

  #setStatus(status) {
    if (this.#status === status) return;
    this.#status = status;
    this.#emit("status", status);
  }

  #emitState() {
    if (this.#listeners.get("state")?.size) this.#emit("state", this.#state.view());
  }

  #emit(event, value) {
    for (const listener of [...(this.#listeners.get(event) || [])]) {
      try {
        listener(value);
      } catch (e) {
        // A listener's failure is its own: the client goes on.
        queueMicrotask(() => { throw e; });
      }
    }
  }
}

/** The claims of a JWT (not verified: the service does that). */
function claimsOf(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const text = atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "="));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
    return claims && typeof claims === "object" ? claims : {};
  } catch {
    return {};
  }
}

function uuid() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context; this does not
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function sleep(ms) {
  return new Promise((resolve) => unref(setTimeout(resolve, ms)));
}

/** Node.js: a timer that does not keep the process alive. */
function unref(timer) {
  timer?.unref?.();
  return timer;
}
