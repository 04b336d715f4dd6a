// The client against the real service (the packaged jar) on a broker of its own: see support.js.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { randomUUID } from "node:crypto";
import { SyncClient, SyncError } from "../src/index.js";
import { comparable, Proxy, recordingWebSocket, serverState, Service, serviceToken, until, userToken } from "./support.js";

// A short history (contract §13: SYNC_HISTORY_MAX_CHANGES) so that a client offline for 40 changes gets a reset.
const HISTORY = 30;
let service;

before(async () => {
  service = new Service({ SYNC_HISTORY_MAX_CHANGES: String(HISTORY) });
  await service.start();
});

after(async () => {
  await service?.stop();
});

const clients = [];
const proxies = [];

after(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await Promise.all(proxies.map((p) => p.close()));
});

function user() {
  return `u-${randomUUID().slice(0, 8)}`;
}

/** A client of `userId`'s device, through its own proxy when `proxied` (so it alone can be cut off). */
async function client(userId, deviceId, options = {}) {
  let baseUrl = service.url;
  let proxy = null;
  if (options.proxied) {
    proxy = await new Proxy(service.port).listen();
    proxies.push(proxy);
    baseUrl = proxy.url;
  }
  const urls = [];
  const c = new SyncClient({ baseUrl, token: options.token ?? userToken(userId, deviceId), deviceId,
    WebSocket: recordingWebSocket(urls), reconnect: { initialDelayMs: 200, maxDelayMs: 1000 }, ...options.client });
  const deltas = [];
  c.on("delta", (d) => deltas.push(d));
  clients.push(c);
  return { client: c, proxy, urls, deltas };
}

async function converged(c, userId, deviceId, timeoutMs = 20_000) {
  const bearer = userToken(userId, deviceId);
  await until(async () => {
    const server = await serverState(service, bearer);
    return c.pendingWrites.length === 0 && JSON.stringify(comparable(c.state)) === JSON.stringify(server);
  }, timeoutMs, `${deviceId} of ${userId} did not converge to the server's state`);
  assert.deepEqual(comparable(c.state), await serverState(service, bearer));
}

function assertEachDeltaOnce(deltas) {
  const cursors = deltas.map((d) => d.cursor);
  assert.equal(new Set(cursors).size, cursors.length, "a delta was applied twice");
  assert.ok(cursors.every(Boolean), "every delta pushed carries a cursor");
}

describe("two clients of one user", () => {
  test("converge to the server's state, and show their own writes at once", { timeout: 120_000 }, async () => {
    const u = user();
    const phone = await client(u, "phone-1");
    const tv = await client(u, "tv-1");
    await Promise.all([phone.client.connect(), tv.client.connect()]);
    assert.equal(phone.client.status, "live");

    const added = phone.client.watchlist.add("tmdb:550", { title: "Fight Club" });
    // optimistic: shown before the service answers
    const shown = phone.client.state.watchlist.find((w) => w.content_id === "tmdb:550");
    assert.equal(shown?.pending, true);
    assert.equal(shown.content_metadata.title, "Fight Club");
    const answer = await added;
    assert.match(answer.hlc, /^\d+$/);

    await Promise.all([
      phone.client.watchlist.add("tmdb:680"),
      tv.client.progress.update({ contentId: "tmdb:550", positionSeconds: 1200, durationSeconds: 8340, state: "playing" }),
      phone.client.preferences.set("subtitles", "fr"),
    ]);
    await tv.client.preferences.set("subtitles", "de"); // later: wins
    await until(() => tv.client.state.watchlist.some((w) => w.content_id === "tmdb:680" && !w.pending), 10_000,
      "the tv did not see the phone's add");
    await tv.client.watchlist.remove("tmdb:680");

    for (const [c, device] of [[phone.client, "phone-1"], [tv.client, "tv-1"]]) await converged(c, u, device);
    assert.deepEqual(comparable(phone.client.state), comparable(tv.client.state));
    assert.equal(phone.client.state.preferences.subtitles, "de");
    assert.deepEqual(phone.client.state.watchlist.map((w) => w.content_id), ["tmdb:550"]);
    const progress = tv.client.state.progress[0];
    assert.equal(progress.completion_percent, 0.1439); // a ratio (contract §5): 1200 / 8340, to 4 decimals
    assertEachDeltaOnce(phone.deltas);
    assertEachDeltaOnce(tv.deltas);
  });
});

describe("offline", () => {
  test("writes made while the service restarts are queued, sent in order, and end in the server's state", { timeout: 120_000 }, async () => {
    const u = user();
    const { client: c, deltas, urls } = await client(u, "phone-1");
    const statuses = [];
    c.on("status", (s) => statuses.push(s));
    await c.connect();
    await c.watchlist.add("tmdb:1");

    await service.kill();
    await until(() => c.status !== "live", 10_000, "the client did not notice the service was gone");
    const writes = [
      c.watchlist.add("tmdb:2", { title: "Offline add" }),
      c.progress.update({ contentId: "tmdb:2", positionSeconds: 100, durationSeconds: 1000 }),
      c.progress.update({ contentId: "tmdb:2", positionSeconds: 200, durationSeconds: 1000 }), // later: the one kept
      c.preferences.set("quality", "hd"),
      c.watchlist.remove("tmdb:1"),
    ];
    const settled = Promise.allSettled(writes);
    assert.equal(c.pendingWrites.length, 5);
    assert.deepEqual(c.pendingWrites.map((w) => w.kind),
      ["watchlist.add", "progress.update", "progress.update", "preferences.set", "watchlist.remove"]);
    assert.ok(c.pendingWrites.every((w) => /^\d+$/.test(w.hlc)), "each queued write carries its own time");
    assert.deepEqual(c.state.watchlist.map((w) => w.content_id), ["tmdb:2"], "offline writes show at once");
    assert.equal(c.state.progress[0].position_seconds, 200);

    await service.start();
    const results = await settled;
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled"],
      JSON.stringify(results.filter((r) => r.status === "rejected").map((r) => r.reason?.message)));
    await converged(c, u, "phone-1", 30_000);
    assert.equal(c.state.progress[0].position_seconds, 200);
    assert.deepEqual(c.state.watchlist.map((w) => w.content_id), ["tmdb:2"]);
    assert.ok(statuses.includes("offline") && statuses.at(-1) === "live", statuses.join(","));
    assert.match(urls.at(-1), /[?&]since=/, "the reconnect asked for the changes since its cursor, not a snapshot");
    assertEachDeltaOnce(deltas);
  });

  test("a device cut off catches up with since, and its queued write loses to a newer one made elsewhere", { timeout: 120_000 }, async () => {
    const u = user();
    const phone = await client(u, "phone-1", { proxied: true });
    const tv = await client(u, "tv-1");
    await Promise.all([phone.client.connect(), tv.client.connect()]);
    await phone.client.preferences.set("language", "en");

    phone.proxy.cut();
    await until(() => phone.client.status !== "live", 10_000, "the phone did not notice it was cut off");
    const older = phone.client.preferences.set("language", "es"); // made before the tv's: must lose
    older.catch(() => {}); // awaited below; a rejection meanwhile is not "unhandled"
    await new Promise((r) => setTimeout(r, 20));
    await tv.client.preferences.set("language", "fr");
    for (let i = 0; i < 5; i++) await tv.client.watchlist.add(`tmdb:${100 + i}`);
    const newer = phone.client.preferences.set("theme", "dark"); // made after: wins
    assert.equal(phone.client.state.preferences.language, "es", "the phone shows its own write while offline");

    phone.proxy.heal();
    await Promise.all([older, newer]);
    await converged(phone.client, u, "phone-1");
    assert.equal(phone.client.state.preferences.language, "fr");
    assert.equal(phone.client.state.preferences.theme, "dark");
    assert.equal(phone.client.state.watchlist.length, 5);
    assert.match(phone.urls.at(-1), /[?&]since=/);
    assertEachDeltaOnce(phone.deltas);
    const ids = phone.deltas.map((d) => d.delta_id);
    assert.equal(new Set(ids).size, ids.length, "no delta_id twice");
  });

  test("a cursor older than the history is answered by a reset, and the state is the server's", { timeout: 120_000 }, async () => {
    const u = user();
    const phone = await client(u, "phone-1", { proxied: true });
    const tv = await client(u, "tv-1");
    await Promise.all([phone.client.connect(), tv.client.connect()]);
    await phone.client.preferences.set("seed", 0);
    const resets = [];
    phone.client.on("reset", (r) => resets.push(r));

    phone.proxy.cut();
    await until(() => phone.client.status !== "live", 10_000, "the phone did not notice it was cut off");
    for (let i = 0; i < HISTORY + 10; i++) await tv.client.preferences.set(`key${i % 7}`, i);
    phone.proxy.heal();
    await until(() => resets.length === 1, 20_000, "no reset");
    await converged(phone.client, u, "phone-1");
  });

  test("the queue is bounded, and what waits survives in the storage for the next client", { timeout: 120_000 }, async () => {
    const u = user();
    const storage = new Map();
    const kv = { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v), removeItem: (k) => storage.delete(k) };
    const first = await client(u, "phone-1", { proxied: true, client: { storage: kv, maxPendingWrites: 3 } });
    await first.client.connect();
    first.proxy.cut();
    await until(() => first.client.status !== "live", 10_000, "not cut off");
    const queued = Promise.allSettled([1, 2, 3].map((i) => first.client.preferences.set(`p${i}`, i)));
    await assert.rejects(first.client.preferences.set("p4", 4), (e) => e instanceof SyncError && e.code === "queue_full");
    await first.client.close();
    assert.deepEqual((await queued).map((r) => r.reason?.code), ["closed", "closed", "closed"],
      "a closed client's unacknowledged writes are not reported as sent");

    const second = await client(u, "phone-1", { client: { storage: kv } });
    assert.equal(second.client.pendingWrites.length, 3, "the writes left by the closed client");
    assert.deepEqual(second.client.state.preferences, { p1: 1, p2: 2, p3: 3 });
    await second.client.connect();
    await converged(second.client, u, "phone-1");
    assert.deepEqual(second.client.state.preferences, { p1: 1, p2: 2, p3: 3 });
    assert.equal(storage.size, 0, "nothing left waiting");
  });
});

describe("tokens", () => {
  test("a bad token is an error event and a rejected connect, not a reconnection loop", { timeout: 120_000 }, async () => {
    const u = user();
    const bad = await client(u, "phone-1", { proxied: true, token: userToken(u, "phone-1", { secret: "not-the-service-secret-at-all-32b" }) });
    const errors = [];
    bad.client.on("error", (e) => errors.push(e));
    await assert.rejects(bad.client.connect(), (e) => e instanceof SyncError && e.code === "unauthorized");
    assert.equal(bad.client.status, "offline");
    // Once told, it never tries that token again. (Before being told it may: a connection that drops before the
    // server's error frame is read — a reset racing the close — looks like any drop, and is tried again.)
    const connectionsWhenTold = bad.proxy.accepted;
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(bad.proxy.accepted, connectionsWhenTold, "it tried again with the same token after being told");
    assert.deepEqual(errors.map((e) => e.code), ["unauthorized"]);

    await bad.client.setToken(userToken(u, "phone-1"));
    await until(() => bad.client.status === "live", 15_000, "a good token did not bring the session up");
  });

  test("a refreshed token keeps the session", { timeout: 120_000 }, async () => {
    const u = user();
    const phone = await client(u, "phone-1", { token: userToken(u, "phone-1", { ttlSeconds: 600 }) });
    await phone.client.connect();
    await phone.client.setToken(userToken(u, "phone-1", { ttlSeconds: 7200 }));
    assert.equal(phone.client.status, "live");
    assert.equal(phone.urls.length, 1, "the same session went on");
    await phone.client.preferences.set("after_refresh", true);
    await converged(phone.client, u, "phone-1");
    await assert.rejects(phone.client.setToken(userToken("someone-else", "phone-1")), (e) => e.code === "forbidden");
  });
});

describe("notifications and commands", () => {
  test("a notification arrives, is read on one device and dismissed on the other", { timeout: 120_000 }, async () => {
    const u = user();
    const phone = await client(u, "phone-1");
    const tv = await client(u, "tv-1");
    await Promise.all([phone.client.connect(), tv.client.connect()]);
    const arrived = [];
    phone.client.on("notification", (n) => arrived.push(n));
    const posted = await service.call("POST", "/api/v1/notifications", serviceToken(), { user_id: u,
      notification_type: "new_recommendation", title: "Because you watched Fight Club", body: "Se7en", priority: "normal" });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const id = posted.body.notification_id;
    await until(() => arrived.length === 1, 10_000, "no notification event");
    assert.equal(arrived[0].notification_id, id);
    assert.equal(phone.client.state.unreadCount, 1);

    await phone.client.notifications.read(id);
    await until(() => tv.client.notifications.list()[0]?.read === true, 10_000, "the read did not reach the tv");
    await tv.client.notifications.dismiss(id);
    await until(() => phone.client.notifications.list().length === 0, 10_000, "the dismiss did not reach the phone");
    await converged(phone.client, u, "phone-1");
  });

  test("a remote command reaches the device it names", { timeout: 120_000 }, async () => {
    const u = user();
    const phone = await client(u, "phone-1");
    const tv = await client(u, "tv-1");
    await Promise.all([phone.client.connect(), tv.client.connect()]);
    const joined = await service.call("PUT", "/api/v1/devices/tv-1", userToken(u, "tv-1"), { device_type: "TV", platform: "Tizen",
      capabilities: { remote_controllable: true, max_resolution: "UHD_4K" }, app_version: "1.0.0" });
    assert.equal(joined.status, 202, JSON.stringify(joined.body));
    await until(() => phone.client.devices.list().some((d) => d.device_id === "tv-1" && d.online), 10_000, "the tv is not online");
    const commands = [];
    tv.client.on("command", (c) => commands.push(c));
    await phone.client.devices.command("tv-1", { type: "Pause" });
    await until(() => commands.length === 1, 10_000, "the tv got no command");
    assert.equal(commands[0].command.type, "Pause");
  });
});
