// Media Gateway Sync dashboard: one user's devices, watchlist, progress and preferences, kept live by the
// JavaScript client of clients/js (@media-gateway/sync-client, served from the jar at /sync-client/): a snapshot
// on connect, one change per delta, catch-up from the cursor after a drop, writes shown at once and queued while
// offline. Plain ES modules, no build step. Everything the server sends is rendered with textContent, never as HTML.

import { SyncClient } from "/sync-client/index.js";

const SESSIONS_KEY = "mgs.sessions";
const CURRENT_KEY = "mgs.current";
const TITLES_KEY = "mgs.titles";
const FEED_LIMIT = 80;

const $ = (id) => document.getElementById(id);

const store = {
  sessions: JSON.parse(localStorage.getItem(SESSIONS_KEY) || "{}"),  // user -> {token, device_id, exp}
  titles: JSON.parse(localStorage.getItem(TITLES_KEY) || "{}"),      // content_id -> metadata
  current: null,
};

let state = emptyState();
let client = null;
let refreshTimer = null;
/** What the 15 s re-read of the devices adds to the client's state: heartbeats that change nothing emit no delta. */
let deviceExtras = new Map();

function emptyState() {
  return { watchlist: new Map(), progress: new Map(), preferences: new Map(), devices: new Map(),
    notifications: new Map(), announcements: [], hlc: 0n };
}

// ---- sessions ------------------------------------------------------------------------------------

function decodeToken(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const claims = JSON.parse(atob(payload.padEnd(payload.length + (4 - payload.length % 4) % 4, "=")));
    if (!claims.sub) return null;
    return { user: claims.sub, device_id: claims.device_id || null, exp: claims.exp || null, region: claims.region || null };
  } catch {
    return null;
  }
}

function saveSession(token) {
  const claims = decodeToken(token.trim());
  if (!claims) return null;
  store.sessions[claims.user] = { token: token.trim(), device_id: claims.device_id, exp: claims.exp };
  localStorage.setItem(SESSIONS_KEY, JSON.stringify(store.sessions));
  return claims.user;
}

function dropExpired() {
  const now = Date.now() / 1000;
  for (const [user, s] of Object.entries(store.sessions)) {
    if (s.exp && s.exp < now) delete store.sessions[user];
  }
  localStorage.setItem(SESSIONS_KEY, JSON.stringify(store.sessions));
}

async function loadDemoSessions() {
  try {
    const res = await fetch("/demo/sessions");
    if (!res.ok) return [];
    const body = await res.json();
    return body.users || [];
  } catch {
    return [];
  }
}

// ---- rendering helpers ---------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function hlcTime(hlc) {
  try {
    return new Date(Number(BigInt(hlc) >> 16n));
  } catch {
    return null;
  }
}

function clockText(date) {
  return date ? date.toLocaleTimeString([], { hour12: false }) : "";
}

function ago(ms) {
  if (!ms) return "never";
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

function duration(seconds) {
  seconds = Math.max(0, Math.round(seconds || 0));
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
  const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(s).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function hue(text) {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

function titleOf(contentId) {
  const meta = store.titles[contentId];
  return meta && meta.title ? meta.title : contentId;
}

function cover(contentId) {
  const title = titleOf(contentId);
  const initials = title.replace(/[^A-Za-z0-9 ]/g, " ").split(/\s+/).filter(Boolean).slice(0, 2)
    .map((w) => w[0].toUpperCase()).join("") || "?";
  const h = hue(contentId);
  return el("div", { class: "cover", style: `background: linear-gradient(150deg, hsl(${h} 65% 45%), hsl(${(h + 50) % 360} 70% 28%))` }, initials);
}

function rememberTitle(contentId, meta) {
  if (meta && meta.title) {
    store.titles[contentId] = meta;
    localStorage.setItem(TITLES_KEY, JSON.stringify(store.titles));
  }
}

function toast(text, error = false) {
  const t = el("div", { class: error ? "toast error" : "toast", role: "status" }, text);
  $("toasts").append(t);
  setTimeout(() => t.remove(), 4500);
}

// Line icons as SVG paths (24×24), so they render the same without an emoji font.
const DEVICE_ICONS = {
  TV: "M3 5h18v11H3zM8 20h8M12 16v4",
  Phone: "M8 2h8a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM11 18h2",
  Tablet: "M6 2h12a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM11 18h2",
  Web: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18",
  Desktop: "M3 4h18v12H3zM9 20h6M12 16v4",
};

function icon(type) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", DEVICE_ICONS[type] || DEVICE_ICONS.Desktop);
  svg.append(path);
  return svg;
}

function playbackState(p) {
  return String(p.state || "").toLowerCase();
}

function deviceLabel(id) {
  const d = state.devices.get(id);
  return d && d.device_name ? d.device_name : id;
}

// ---- rendering -----------------------------------------------------------------------------------

function renderDevices() {
  const box = $("devices");
  const devices = [...state.devices.values()].sort((a, b) => a.device_id.localeCompare(b.device_id));
  const online = devices.filter((d) => d.online).length;
  $("devices-summary").textContent = devices.length ? `${online} of ${devices.length} online` : "";
  if (!devices.length) {
    box.replaceChildren(el("div", { class: "empty" }, "No devices yet: they appear when one joins."));
    return;
  }
  const playing = new Map();
  for (const p of state.progress.values()) {
    if (playbackState(p) === "playing") playing.set(p.device_id, p);
  }
  box.replaceChildren(...devices.map((d) => {
    const caps = d.capabilities || {};
    const chips = [];
    if (caps.max_resolution) chips.push(caps.max_resolution.replace("UHD_", "").replace("_", " "));
    for (const hdr of caps.hdr_support || []) chips.push(hdr);
    if (caps.can_cast) chips.push("Cast");
    if (caps.remote_controllable) chips.push("Remote");
    for (const codec of (caps.audio_codecs || []).slice(0, 3)) chips.push(codec.toUpperCase());
    const now = playing.get(d.device_id);
    return el("article", {
      class: "device", tabindex: "0", dataset: { deviceId: d.device_id, online: String(!!d.online) },
      onclick: () => openDeviceDialog(d.device_id), onkeydown: (e) => { if (e.key === "Enter") openDeviceDialog(d.device_id); },
    },
      // activity comes with the device list (refreshed every 15 s): a backgrounded phone says so
      el("span", { class: d.online ? "status online" : "status offline" },
        d.online ? (d.activity === "background" ? "Background" : "Online") : "Offline"),
      el("div", { class: "device-top" },
        el("div", { class: "device-icon" }, icon(d.device_type)),
        el("div", {},
          el("div", { class: "device-name" }, d.device_name || d.device_id),
          el("div", { class: "device-meta" }, [d.device_type, d.platform, d.app_version && `v${d.app_version}`].filter(Boolean).join(" · ")))),
      el("div", { class: "chips" }, chips.map((c) => el("span", { class: "chip" }, c))),
      now ? el("div", { class: "now-playing" }, `▶ ${titleOf(now.content_id)} · ${duration(now.position_seconds)}`) : null,
      el("div", { class: "device-foot" },
        el("span", { class: "last-seen", dataset: { lastSeen: String(d.last_seen || 0) } }, `Last seen ${ago(d.last_seen)}`),
        el("span", {}, d.device_id)));
  }));
}

function renderProgress() {
  const box = $("progress");
  const items = [...state.progress.values()].sort((a, b) => (BigInt(b.hlc) > BigInt(a.hlc) ? 1 : -1));
  const inProgress = items.filter((p) => !p.completed).length;
  $("progress-summary").textContent = items.length ? `${inProgress} in progress · ${items.length - inProgress} completed` : "";
  if (!items.length) {
    box.replaceChildren(el("div", { class: "empty" }, "Nothing watched yet."));
    return;
  }
  box.replaceChildren(...items.slice(0, 12).map((p) => {
    const percent = Math.min(100, Math.round((p.completion_percent || 0) * 100));  // the service sends a ratio, 0.0–1.0
    return el("div", { class: p.completed ? "progress-item completed" : "progress-item", dataset: { contentId: p.content_id } },
      cover(p.content_id),
      el("div", {},
        el("div", { class: "progress-title" }, titleOf(p.content_id)),
        el("div", { class: "bar", role: "progressbar", "aria-valuenow": String(percent), "aria-valuemin": "0", "aria-valuemax": "100" },
          el("span", { style: `width: ${percent}%` })),
        el("div", { class: "progress-meta" },
          el("span", {}, `${duration(p.position_seconds)} / ${duration(p.duration_seconds)} · ${percent}%`),
          el("span", {}, p.completed ? "Completed" : `Resume at ${duration(p.resume_position_seconds)}`),
          el("span", {}, `on ${deviceLabel(p.device_id)}`))),
      el("span", { class: `state ${playbackState(p)}` }, playbackState(p)));
  }));
}

function renderWatchlist() {
  const box = $("watchlist");
  const items = [...state.watchlist.values()].sort((a, b) => (BigInt(b.hlc) > BigInt(a.hlc) ? 1 : -1));
  $("watchlist-summary").textContent = items.length ? `${items.length} titles` : "";
  if (!items.length) {
    box.replaceChildren(el("div", { class: "empty" }, "The watchlist is empty."));
    return;
  }
  box.replaceChildren(...items.map((w) => {
    const meta = w.content_metadata || store.titles[w.content_id] || {};
    return el("div", { class: "watchlist-item", dataset: { contentId: w.content_id } },
      cover(w.content_id),
      el("button", { class: "remove", type: "button", title: "Remove from watchlist", "aria-label": `Remove ${titleOf(w.content_id)}`,
        onclick: () => removeFromWatchlist(w.content_id) }, "✕"),
      el("div", { class: "watchlist-body" },
        el("div", { class: "watchlist-title" }, meta.title || w.content_id),
        el("div", { class: "watchlist-meta" }, [meta.year, meta.content_type, `added on ${deviceLabel(w.device_id)}`].filter(Boolean).join(" · "))));
  }));
}

function renderPreferences() {
  const box = $("preferences");
  const entries = [...state.preferences.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) {
    box.replaceChildren(el("dd", { class: "muted" }, "No preferences set."));
    return;
  }
  box.replaceChildren(...entries.flatMap(([k, v]) => [el("dt", {}, k.replace(/_/g, " ")), el("dd", { dataset: { key: k } }, JSON.stringify(v))]));
}

function renderNotifications() {
  const now = Date.now();
  // An expired notification is never listed (contract §14): it leaves the tray when it expires.
  const items = [...state.notifications.values()]
    .filter((n) => !n.expires_at || Date.parse(n.expires_at) > now)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  const unread = items.filter((n) => !n.read).length;
  const badge = $("unread-count");
  badge.textContent = String(unread);
  badge.dataset.unread = String(unread > 0);
  $("notifications-summary").textContent = items.length ? `${unread} unread of ${items.length}` : "";
  const box = $("notifications");
  if (!items.length) {
    box.replaceChildren(el("li", { class: "empty" }, "No notifications."));
    return;
  }
  box.replaceChildren(...items.map((n) => el("li", { class: "notification",
    dataset: { id: n.notification_id, read: String(!!n.read), priority: n.priority } },
    el("div", { class: "notification-head" },
      el("span", { class: "notification-title" }, n.title),
      el("span", { class: "priority" }, n.priority)),
    el("div", { class: "notification-body" }, n.body),
    el("div", { class: "notification-head" },
      el("span", { class: "notification-meta" }, [n.notification_type.replace(/_/g, " "), ago(now - Date.parse(n.created_at)),
        n.expires_at ? `expires ${new Date(n.expires_at).toLocaleTimeString()}` : ""].filter(Boolean).join(" · ")),
      el("span", { class: "notification-actions" },
        n.read ? "" : el("button", { type: "button", class: "read", onclick: () => markNotification(n.notification_id, "read") }, "Mark read"),
        el("button", { type: "button", class: "dismiss", onclick: () => markNotification(n.notification_id, "dismiss") }, "Dismiss"))))));
}

function renderAnnouncements() {
  const box = $("announcements");
  if (!state.announcements.length) {
    box.replaceChildren(el("li", { class: "empty" }, "No announcements."));
    return;
  }
  box.replaceChildren(...state.announcements.map((a) => el("li", { class: "announcement", dataset: { cursor: a.cursor, channel: a.channel } },
    el("div", { class: "announcement-text" }, a.message.text || a.message.title || a.message.msg_type),
    el("div", { class: "announcement-meta" }, `${a.channel} · ${a.message.msg_type} · ${new Date(a.published_at).toLocaleTimeString()}`))));
}

/** A broadcast the page is shown (pushed, or read from the channel's history): newest first, each once. */
function addAnnouncement(a) {
  if (a.channel === "global.trending" || state.announcements.some((x) => x.channel === a.channel && x.cursor === a.cursor)) return;
  state.announcements.unshift(a);
  state.announcements.sort((x, y) => Date.parse(y.published_at) - Date.parse(x.published_at));
  state.announcements.length = Math.min(state.announcements.length, 30);
  renderAnnouncements();
}

function renderClock() {
  $("clock").textContent = state.hlc ? `HLC ${clockText(hlcTime(state.hlc))}` : "";
}

function renderAll() {
  renderDevices();
  renderProgress();
  renderWatchlist();
  renderPreferences();
  renderNotifications();
  renderAnnouncements();
  renderClock();
}

// ---- state from the client -----------------------------------------------------------------------

/** The client's state (the server's, with this page's unconfirmed writes over it) in the maps the renderers read. */
function showState(view) {
  for (const w of view.watchlist) rememberTitle(w.content_id, w.content_metadata);
  state.watchlist = new Map(view.watchlist.map((w) => [w.content_id, w]));
  state.progress = new Map(view.progress.map((p) => [p.content_id, p]));
  state.preferences = new Map(Object.entries(view.preferences));
  state.devices = new Map(view.devices.map((d) => [d.device_id, { ...d, ...(deviceExtras.get(d.device_id) || {}) }]));
  state.notifications = new Map(view.notifications.map((n) => [n.notification_id, n]));
  renderAll();
}

function seeHlc(hlc) {
  try {
    const v = BigInt(hlc || 0);
    if (v > state.hlc) state.hlc = v;
  } catch { /* not a clock value */ }
}

/** A delta the client applied: the feed, the clock, and a word for what needs one. */
function onDelta(d) {
  seeHlc(d.hlc);
  if (d.type === "command_rejected") {
    toast(`Command ${d.command?.type} to ${deviceLabel(d.target_device_id)} refused: ${d.reason}`, true);
  } else if (d.type === "notification" && !d.read) {
    toast(`Notification: ${d.title}`, d.priority === "urgent");
  } else if (d.type === "watchlist_update") {
    rememberTitle(d.content_id, d.content_metadata);
  }
  renderClock();
  addToFeed(d);
}

const FEED_KINDS = {
  watchlist_update: "watchlist", watch_progress_update: "progress", preference_update: "preference",
  device_online: "device", device_updated: "device", device_offline: "offline", remote_command: "command",
  command_rejected: "rejected", progress_removed: "progress", device_removed: "offline",
  notification: "notification", notification_read: "notification", notification_dismissed: "notification",
};

function describe(d) {
  switch (d.type) {
    case "watchlist_update": return `${d.present ? "Added" : "Removed"} ${titleOf(d.content_id)} on ${deviceLabel(d.device_id)}`;
    case "watch_progress_update": return `${titleOf(d.content_id)} ${playbackState(d)} at ${duration(d.position_seconds)} on ${deviceLabel(d.device_id)}`;
    case "preference_update": return `${d.key} = ${JSON.stringify(d.value)}`;
    case "device_online": return `${deviceLabel(d.device_id)} joined`;
    case "device_updated": return `${deviceLabel(d.device_id)} updated`;
    case "device_offline": return `${deviceLabel(d.device_id)} went offline (${d.reason || "leave"})`;
    case "device_removed": return `${deviceLabel(d.device_id)} removed`;
    case "progress_removed": return `${titleOf(d.content_id)} removed from continue watching`;
    case "remote_command": {
      const p = d.command?.params || {};
      const detail = d.command?.type === "LoadContent" ? ` ${titleOf(p.content_id)} from ${duration(p.start_position)}` : "";
      return `${d.command?.type}${detail} → ${deviceLabel(d.target_device_id)}`;
    }
    case "command_rejected": return `${d.command?.type} → ${deviceLabel(d.target_device_id)} refused: ${d.reason}`;
    case "notification": return `${d.priority} ${d.notification_type.replace(/_/g, " ")}: ${d.title}`;
    case "notification_read": return `${state.notifications.get(d.notification_id)?.title || d.notification_id} read on ${deviceLabel(d.device_id)}`;
    case "notification_dismissed": return `${d.notification_id} dismissed on ${deviceLabel(d.device_id)}`;
    default: return d.type;
  }
}

function addToFeed(d) {
  const feed = $("feed");
  const when = hlcTime(d.hlc);
  feed.prepend(el("li", { class: "feed-item", dataset: { kind: FEED_KINDS[d.type] || "other", type: d.type } },
    el("time", {}, clockText(when || new Date())),
    el("div", {}, el("div", { class: "feed-type" }, d.type.replace(/_/g, " ")), el("div", { class: "feed-text" }, describe(d)))));
  while (feed.children.length > FEED_LIMIT) feed.lastElementChild.remove();
}

// ---- connection ----------------------------------------------------------------------------------

function setConnection(kind, text) {
  const pill = $("connection");
  pill.dataset.state = kind;
  pill.textContent = text;
}

const STATUS_TEXT = { connecting: "Connecting…", live: "Live", offline: "Reconnecting…" };

function connect(user) {
  if (client) client.close();
  const session = store.sessions[user];
  if (!session) return;
  const c = new SyncClient({ baseUrl: location.origin, token: session.token });
  client = c;
  window.__syncClient = c; // the live client, for the console and the browser test
  let refused = false;
  c.on("state", (view) => { if (client === c) showState(view); });
  c.on("delta", (d) => { if (client === c) onDelta(d); });
  c.on("status", (status) => {
    if (client !== c) return;
    const pending = c.pendingWrites.length;
    setConnection(status, refused ? "Signed out"
      : status === "offline" && pending ? `Offline · ${pending} change${pending > 1 ? "s" : ""} waiting` : STATUS_TEXT[status]);
  });
  c.on("error", (e) => {
    if (client !== c) return;
    if (["unauthorized", "forbidden", "token_expired"].includes(e.code)) {
      refused = true;
      setConnection("offline", "Signed out");
      toast("The server refused this token; sign in again.", true);
    } else {
      toast(`${e.code}: ${e.message}`, true);
    }
  });
  c.on("broadcast", (message) => {
    addAnnouncement(message);
    if (message.channel !== "global.trending") toast(`Announcement: ${message.message.text || message.message.msg_type}`);
  });
  // The session ends with its token; the page has no way to mint a fresh one, so it says so.
  c.on("tokenExpiring", ({ expiresAt }) => toast(`This token expires at ${new Date(expiresAt).toLocaleTimeString()}; `
    + "sign in with a fresh one to stay live.", true));
  setConnection("connecting", STATUS_TEXT.connecting);
  c.connect().catch(() => { /* told by the error event */ });
}

async function api(method, path, body) {
  const session = store.sessions[store.current];
  const res = await fetch(path, {
    method,
    headers: { "Authorization": `Bearer ${session.token}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(answer.message || `${res.status} ${res.statusText}`);
  return answer;
}

// Heartbeats that change nothing emit no delta, so "last seen" is re-read from time to time.
async function refreshDevices() {
  if (!store.current) return;
  try {
    const body = await api("GET", "/api/v1/devices");
    deviceExtras = new Map((body.devices || []).map((d) => [d.device_id,
      { last_seen: d.last_seen, activity: d.activity, now_playing: d.now_playing }]));
    for (const [id, extra] of deviceExtras) if (state.devices.has(id)) state.devices.set(id, { ...state.devices.get(id), ...extra });
    renderDevices();
  } catch { /* the client's state says the rest */ }
}

// ---- actions -------------------------------------------------------------------------------------

async function addToWatchlist(event) {
  event.preventDefault();
  const contentId = $("watchlist-add-content").value.trim();
  const title = $("watchlist-add-title").value.trim();
  if (!contentId) return;
  // Shown at once (the client's optimistic write), sent now or when the connection is back.
  const added = client.watchlist.add(contentId, title ? { title } : undefined);
  $("watchlist-add-form").reset();
  try {
    await added;
  } catch (e) {
    toast(`Could not add ${contentId}: ${e.message}`, true);
  }
}

async function removeFromWatchlist(contentId) {
  try {
    await client.watchlist.remove(contentId);
  } catch (e) {
    toast(`Could not remove ${titleOf(contentId)}: ${e.message}`, true);
  }
}

let dialogDevice = null;

function openDeviceDialog(deviceId) {
  dialogDevice = deviceId;
  const d = state.devices.get(deviceId) || {};
  $("device-dialog-title").textContent = d.device_name || deviceId;
  $("device-dialog-subtitle").textContent = `${[d.device_type, d.platform].filter(Boolean).join(" · ")} — ${d.online ? "online" : "offline"}`;
  $("device-dialog-error").textContent = "";
  const select = $("handoff-content");
  const options = [...state.progress.values()].filter((p) => !p.completed)
    .sort((a, b) => (BigInt(b.hlc) > BigInt(a.hlc) ? 1 : -1))
    .map((p) => el("option", { value: p.content_id }, `${titleOf(p.content_id)} — resume at ${duration(p.resume_position_seconds)}`));
  select.replaceChildren(...(options.length ? options : [el("option", { value: "" }, "Nothing in progress")]));
  $("handoff-button").disabled = !options.length;
  $("device-dialog").showModal();
}

async function sendCommand(type) {
  const params = {};
  if (type === "VolumeSet") params.level = Number($("volume-level").value) / 100;
  try {
    await client.devices.command(dialogDevice, { type, params });
    toast(`${type} sent to ${deviceLabel(dialogDevice)}`);
    $("device-dialog").close();
  } catch (e) {
    $("device-dialog-error").textContent = e.message;
  }
}

async function handOff() {
  const contentId = $("handoff-content").value;
  if (!contentId) return;
  try {
    await client.devices.handoff(dialogDevice, contentId);
    toast(`Handing ${titleOf(contentId)} off to ${deviceLabel(dialogDevice)}`);
    $("device-dialog").close();
  } catch (e) {
    $("device-dialog-error").textContent = e.message;
  }
}

async function markNotification(id, action) {
  try {
    await (action === "read" ? client.notifications.read(id) : client.notifications.dismiss(id));
  } catch (e) {
    toast(`Could not ${action} the notification: ${e.message}`, true);
  }
}

/** What the announcement channels (and the session's region's) kept before the page opened. */
async function loadAnnouncements(user) {
  const region = decodeToken(store.sessions[user]?.token || "")?.region;
  const channels = ["global.announcements", ...(region ? [`region.${region}.updates`] : [])];
  for (const channel of channels) {
    try {
      const body = await api("GET", `/api/v1/broadcasts/${channel}`);
      if (store.current !== user) return;
      for (const m of body.messages || []) addAnnouncement({ ...m, channel });
    } catch { /* live broadcasts still arrive */ }
  }
}

/**
 * The PubNub token this device would get (contract §15): its channels and permissions, its expiry and whether
 * messages are encrypted for this user alone; or why there is none (PubNub not configured: 503).
 */
async function loadPubNubAccess(user) {
  const summary = $("pubnub-summary");
  const list = $("pubnub-channels");
  try {
    const grant = await api("POST", "/api/v1/pubnub/token");
    if (store.current !== user) return;
    summary.textContent = `token for ${grant.uuid}, ${grant.ttl_minutes} min left`
      + (grant.cipher_key ? " · encrypted with this user's key" : "");
    list.replaceChildren(...Object.entries(grant.channels).map(([channel, permissions]) =>
      el("li", { class: "pubnub-channel", dataset: { channel } }, el("code", {}, channel), " ", permissions.join(" + "))));
  } catch (e) {
    if (store.current !== user) return;
    summary.textContent = "no PubNub token";
    list.replaceChildren(el("li", { class: "empty" }, e.message));
  }
}

// ---- views ---------------------------------------------------------------------------------------

function renderPicker() {
  const picker = $("user-picker");
  const users = Object.keys(store.sessions).sort();
  picker.replaceChildren(...users.map((u) => el("option", { value: u, selected: u === store.current }, u)));
}

function openUser(user) {
  store.current = user;
  localStorage.setItem(CURRENT_KEY, user);
  state = emptyState();
  deviceExtras = new Map();
  $("feed").replaceChildren();
  $("login").hidden = true;
  $("app").hidden = false;
  $("session").hidden = false;
  renderPicker();
  renderAll();
  connect(user);
  loadAnnouncements(user);
  loadPubNubAccess(user);
  clearInterval(refreshTimer);
  refreshTimer = setInterval(refreshDevices, 15000);
}

function showLogin(demoUsers) {
  if (client) { client.close(); client = null; }
  clearInterval(refreshTimer);
  $("app").hidden = true;
  $("session").hidden = true;
  $("login").hidden = false;
  const box = $("demo-users");
  box.replaceChildren(...demoUsers.map((s) => el("button", { type: "button", dataset: { user: s.user_id },
    onclick: () => { saveSession(s.token); openUser(s.user_id); } },
    el("span", { class: "avatar", style: `background: hsl(${hue(s.user_id)} 60% 50%)` }, s.user_id[0].toUpperCase()), s.user_id)));
}

async function main() {
  dropExpired();
  const hash = new URLSearchParams(location.hash.slice(1));
  let chosen = null;
  if (hash.get("token")) {
    chosen = saveSession(hash.get("token"));
    history.replaceState(null, "", location.pathname + location.search);  // keep the token out of the address bar
  }
  const demo = await loadDemoSessions();
  for (const s of demo) if (!store.sessions[s.user_id]) saveSession(s.token);

  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const user = saveSession($("token-input").value);
    if (!user) {
      $("login-error").textContent = "That is not a token: expected three base64url parts (header.claims.signature) with a 'sub'.";
      return;
    }
    openUser(user);
  });
  $("user-picker").addEventListener("change", (e) => openUser(e.target.value));
  $("sign-out").addEventListener("click", () => {
    delete store.sessions[store.current];
    localStorage.setItem(SESSIONS_KEY, JSON.stringify(store.sessions));
    localStorage.removeItem(CURRENT_KEY);
    const next = Object.keys(store.sessions)[0];
    if (next) openUser(next); else showLogin(demo);
  });
  $("watchlist-add-form").addEventListener("submit", addToWatchlist);
  for (const b of document.querySelectorAll("[data-command]")) b.addEventListener("click", () => sendCommand(b.dataset.command));
  $("handoff-button").addEventListener("click", handOff);
  setInterval(() => {
    for (const node of document.querySelectorAll(".last-seen")) node.textContent = `Last seen ${ago(Number(node.dataset.lastSeen))}`;
  }, 1000);
  setInterval(() => { if (store.current) renderNotifications(); }, 10000);

  const remembered = localStorage.getItem(CURRENT_KEY);
  const user = chosen || (store.sessions[remembered] ? remembered : Object.keys(store.sessions).sort()[0]);
  if (user) openUser(user); else showLogin(demo);
}

main();
