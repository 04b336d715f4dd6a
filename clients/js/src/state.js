// The state a client shows: the server's (a snapshot, then every delta once, in order) with the client's own
// writes laid over it until the server's state shows them. Plain data in, plain data out: no I/O here.

import { toHlc } from "./hlc.js";

/** How many recent cursors are remembered to drop a delta delivered twice. */
const SEEN_CURSORS = 4096;

/** @typedef {{id: string, kind: string, body: Record<string, any>, hlc?: string}} Write */

/** The key of the state a write touches: `part:id`. */
export function keyOf(write) {
  const b = write.body;
  switch (write.kind) {
    case "watchlist.add":
    case "watchlist.remove":
      return `watchlist:${b.content_id}`;
    case "progress.update":
    case "progress.remove":
      return `progress:${b.content_id}`;
    case "preferences.set":
      return `preference:${b.key}`;
    case "notifications.read":
    case "notifications.dismiss":
      return `notification:${b.notification_id}`;
    default:
      return null;
  }
}

export class LocalState {
  constructor() {
    this.watchlist = new Map(); // content_id -> item as the server shows it
    this.progress = new Map(); // content_id -> item
    this.preferences = new Map(); // key -> value
    this.devices = new Map(); // device_id -> device
    this.notifications = new Map(); // notification_id -> notification
    /** The newest HLC the server's state holds for each key (removals included). */
    this.hlcs = new Map();
    /** Where the client is in the user's changes (contract §13): null before the first snapshot. */
    this.cursor = null;
    this.seen = new Set();
    /** The client's writes not yet shown by the server's state, oldest first: {write, acked}. */
    this.overlay = [];
  }

  /** Replaces the server's state with a snapshot (the first one, or a reset); the client's writes stay laid over it. */
  applySnapshot(s) {
    this.watchlist.clear();
    this.progress.clear();
    this.preferences.clear();
    this.devices.clear();
    this.notifications.clear();
    this.hlcs.clear();
    this.seen.clear();
    for (const w of s.watchlist || []) {
      this.watchlist.set(w.content_id, w);
      this.#see(`watchlist:${w.content_id}`, w.hlc);
    }
    for (const p of s.progress || []) {
      this.progress.set(p.content_id, p);
      this.#see(`progress:${p.content_id}`, p.hlc);
    }
    for (const [k, v] of Object.entries(s.preferences || {})) this.preferences.set(k, v);
    for (const d of s.devices || []) this.devices.set(d.device_id, d);
    for (const n of s.notifications || []) this.notifications.set(n.notification_id, n);
    this.cursor = s.cursor || null;
    this.#confirm();
  }

  /**
   * Applies one delta of the user (`type` or `msg_type` names it). A delta whose cursor was applied already is
   * dropped: answers whether it was applied.
   */
  applyDelta(d) {
    if (d.cursor) {
      if (this.seen.has(d.cursor)) return false;
      this.seen.add(d.cursor);
      if (this.seen.size > SEEN_CURSORS) this.seen.delete(this.seen.values().next().value);
      this.cursor = d.cursor;
    }
    const type = d.type || d.msg_type;
    switch (type) {
      case "watchlist_update":
        if (d.present) {
          const old = this.watchlist.get(d.content_id) || {};
          this.watchlist.set(d.content_id, { content_id: d.content_id, unique_tags: d.unique_tags || [], device_id: d.device_id,
            hlc: d.hlc, content_metadata: d.content_metadata || old.content_metadata || null });
        } else {
          this.watchlist.delete(d.content_id);
        }
        this.#see(`watchlist:${d.content_id}`, d.hlc);
        break;
      case "watch_progress_update":
        this.progress.set(d.content_id, pick(d, ["content_id", "position_seconds", "duration_seconds", "completion_percent",
          "completed", "resume_position_seconds", "state", "device_id", "hlc", "platform_id"]));
        this.#see(`progress:${d.content_id}`, d.hlc);
        break;
      case "progress_removed":
        this.progress.delete(d.content_id);
        this.#see(`progress:${d.content_id}`, d.hlc);
        break;
      case "preference_update":
        this.preferences.set(d.key, d.value);
        this.#see(`preference:${d.key}`, d.hlc);
        break;
      case "device_online":
      case "device_updated":
      case "device_offline": {
        const next = { ...(this.devices.get(d.device_id) || { device_id: d.device_id }) };
        for (const k of ["device_type", "platform", "capabilities", "app_version", "device_name", "last_seen", "online",
          "activity", "now_playing"]) {
          if (d[k] !== undefined && d[k] !== null) next[k] = d[k];
        }
        if (type === "device_offline") next.online = false;
        if (type === "device_online") next.online = true;
        this.devices.set(d.device_id, next);
        break;
      }
      case "device_removed":
        this.devices.delete(d.device_id);
        break;
      case "notification": {
        const { type: _t, msg_type: _m, cursor: _c, user_id: _u, delta_id: _d, ...fields } = d;
        this.notifications.set(d.notification_id, { read: false, ...fields });
        break;
      }
      case "notification_read": {
        const n = this.notifications.get(d.notification_id);
        if (n) this.notifications.set(d.notification_id, { ...n, read: true });
        break;
      }
      case "notification_dismissed":
        this.notifications.delete(d.notification_id);
        break;
      default:
        break; // commands and their rejections change no state
    }
    this.#confirm();
    return true;
  }

  /** Lays a write of the client over the server's state until the server's state shows it. */
  addWrite(write) {
    if (keyOf(write) !== null) this.overlay.push({ write, acked: false });
  }

  /** The server acknowledged the write: it leaves the overlay once the server's state shows it (or a newer write). */
  acked(id) {
    const entry = this.overlay.find((e) => e.write.id === id);
    if (entry) entry.acked = true;
    this.#confirm();
  }

  /** Takes a write out of the overlay: refused by the server, or acknowledged long enough ago. */
  dropWrite(id) {
    this.overlay = this.overlay.filter((e) => e.write.id !== id);
  }

  /** The tags of a watchlist item as the client sees it now: what a remove made now observed. */
  observedTags(contentId) {
    const item = this.view().watchlist.find((w) => w.content_id === contentId);
    return item ? [...item.unique_tags] : [];
  }

  /** The state to show: the server's with every write of the overlay that would win laid over it. */
  view(nowMs = Date.now()) {
    const watchlist = new Map(this.watchlist);
    const progress = new Map(this.progress);
    const preferences = new Map(this.preferences);
    const notifications = new Map(this.notifications);
    const hlcs = new Map(this.hlcs);
    for (const { write } of this.overlay) {
      const b = write.body;
      const key = keyOf(write);
      const hlc = toHlc(write.hlc);
      // A register write shows when it would win: its HLC above what the server's state holds for the key.
      const wins = hlc === null || hlc > (hlcs.get(key) ?? -1n);
      switch (write.kind) {
        case "watchlist.add": {
          // Add wins (contract §4): the add's own tag joins whatever tags the item has.
          const old = watchlist.get(b.content_id);
          watchlist.set(b.content_id, { content_id: b.content_id, unique_tags: [...(old?.unique_tags || []), b.unique_tag],
            device_id: write.deviceId ?? old?.device_id ?? null, hlc: write.hlc,
            content_metadata: b.content_metadata || old?.content_metadata || null, pending: true });
          break;
        }
        case "watchlist.remove": {
          // Observed-remove: tags the remove did not observe (added elsewhere meanwhile) keep the item.
          const old = watchlist.get(b.content_id);
          if (!old) break;
          const observed = new Set(b.observed_tags || old.unique_tags);
          const left = old.unique_tags.filter((t) => !observed.has(t));
          if (left.length) watchlist.set(b.content_id, { ...old, unique_tags: left });
          else watchlist.delete(b.content_id);
          break;
        }
        case "progress.update":
          if (wins) progress.set(b.content_id, progressItem(b, write));
          break;
        case "progress.remove":
          if (wins) progress.delete(b.content_id);
          break;
        case "preferences.set":
          if (wins) preferences.set(b.key, b.value);
          break;
        case "notifications.read": {
          const n = notifications.get(b.notification_id);
          if (n) notifications.set(b.notification_id, { ...n, read: true });
          break;
        }
        case "notifications.dismiss":
          notifications.delete(b.notification_id);
          break;
        default:
          break;
      }
      if (hlc !== null && wins) hlcs.set(key, hlc);
    }
    const byNewest = (a, b) => compareHlc(b.hlc, a.hlc);
    const listed = [...notifications.values()]
      .filter((n) => !n.expires_at || Date.parse(n.expires_at) > nowMs)
      .sort((a, b) => (Date.parse(b.created_at) || 0) - (Date.parse(a.created_at) || 0)
        || String(a.notification_id).localeCompare(String(b.notification_id)));
    return {
      watchlist: [...watchlist.values()].sort(byNewest),
      progress: [...progress.values()].sort(byNewest),
      preferences: Object.fromEntries(preferences),
      devices: [...this.devices.values()].sort((a, b) => a.device_id.localeCompare(b.device_id)),
      notifications: listed,
      unreadCount: listed.filter((n) => !n.read).length,
      cursor: this.cursor,
    };
  }

  #see(key, hlc) {
    const value = toHlc(hlc);
    if (value !== null && value > (this.hlcs.get(key) ?? -1n)) this.hlcs.set(key, value);
  }

  /** Drops the acknowledged writes the server's state now shows, or that a newer write replaced there. */
  #confirm() {
    this.overlay = this.overlay.filter((e) => !(e.acked && this.#shows(e.write)));
  }

  #shows(write) {
    const b = write.body;
    const hlc = toHlc(write.hlc);
    const newer = hlc !== null && (this.hlcs.get(keyOf(write)) ?? -1n) >= hlc;
    switch (write.kind) {
      case "watchlist.add":
        return newer || (this.watchlist.get(b.content_id)?.unique_tags || []).includes(b.unique_tag);
      case "watchlist.remove": {
        const item = this.watchlist.get(b.content_id);
        return !item || !(b.observed_tags || []).some((t) => item.unique_tags.includes(t));
      }
      case "notifications.read":
        return !this.notifications.has(b.notification_id) || this.notifications.get(b.notification_id).read === true;
      case "notifications.dismiss":
        return !this.notifications.has(b.notification_id);
      default:
        return newer;
    }
  }
}

/**
 * A progress item as the server would show it (contract §5): completion a ratio (at most 1, to 4 decimals, as the
 * service rounds it), completed at ≥ 0.9.
 */
function progressItem(b, write) {
  const raw = b.duration_seconds > 0 ? b.position_seconds / b.duration_seconds : 0;
  const ratio = Math.round(Math.min(1, raw) * 10_000) / 10_000;
  const completed = raw >= 0.9;
  const state = String(b.state || "paused");
  return { content_id: b.content_id, position_seconds: b.position_seconds, duration_seconds: b.duration_seconds,
    completion_percent: ratio, completed, resume_position_seconds: completed ? 0 : b.position_seconds,
    state: state[0].toUpperCase() + state.slice(1).toLowerCase(), device_id: write.deviceId ?? null, hlc: write.hlc,
    pending: true };
}

function compareHlc(a, b) {
  const x = toHlc(a) ?? 0n;
  const y = toHlc(b) ?? 0n;
  return x === y ? 0 : x < y ? -1 : 1;
}

function pick(source, keys) {
  const out = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  return out;
}
