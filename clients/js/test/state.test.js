// The client's local state on its own: deltas once by cursor, and its writes laid over the server's state.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeviceClock } from "../src/hlc.js";
import { LocalState } from "../src/state.js";

const hlc = (ms, logical = 0) => ((BigInt(ms) << 16n) + BigInt(logical)).toString();

test("a delta delivered twice is applied once", () => {
  const s = new LocalState();
  s.applySnapshot({ watchlist: [], progress: [], preferences: {}, devices: [], cursor: "c0" });
  const delta = { type: "preference_update", key: "k", value: 1, hlc: hlc(1000), cursor: "c1" };
  assert.equal(s.applyDelta(delta), true);
  assert.equal(s.applyDelta({ ...delta, value: 2 }), false);
  assert.equal(s.view().preferences.k, 1);
  assert.equal(s.cursor, "c1");
});

test("a write shows at once, and only while it would win against the server's register", () => {
  const s = new LocalState();
  s.applySnapshot({ progress: [{ content_id: "m", position_seconds: 10, duration_seconds: 100, hlc: hlc(2000), state: "Paused" }] });
  s.addWrite({ id: "w1", kind: "progress.update", hlc: hlc(1000), body: { content_id: "m", position_seconds: 50, duration_seconds: 100, state: "playing" } });
  assert.equal(s.view().progress[0].position_seconds, 10, "an older write loses to the server's newer register");
  s.addWrite({ id: "w2", kind: "progress.update", hlc: hlc(3000), body: { content_id: "m", position_seconds: 95, duration_seconds: 100, state: "paused" } });
  const shown = s.view().progress[0];
  assert.equal(shown.position_seconds, 95);
  assert.equal(shown.completion_percent, 0.95);
  assert.equal(shown.completed, true);
  assert.equal(shown.resume_position_seconds, 0);
  assert.equal(shown.state, "Paused");
  assert.equal(shown.pending, true);
});

test("an acknowledged write leaves the overlay when the server's state shows it", () => {
  const s = new LocalState();
  s.applySnapshot({ preferences: {} });
  s.addWrite({ id: "w", kind: "preferences.set", hlc: hlc(5000), body: { key: "lang", value: "fr" } });
  s.acked("w");
  assert.equal(s.overlay.length, 1, "not shown by the server yet");
  s.applyDelta({ type: "preference_update", key: "lang", value: "de", hlc: hlc(4000), cursor: "c1" });
  assert.equal(s.view().preferences.lang, "fr", "an older change elsewhere does not hide the write");
  s.applyDelta({ type: "preference_update", key: "lang", value: "fr", hlc: hlc(5000), cursor: "c2" });
  assert.equal(s.overlay.length, 0);
  assert.equal(s.view().preferences.lang, "fr");
});

test("a remove takes the tags it observed; a tag added elsewhere keeps the item (add wins)", () => {
  const s = new LocalState();
  s.applySnapshot({ watchlist: [{ content_id: "m", unique_tags: ["a"], hlc: hlc(1000) }] });
  s.addWrite({ id: "r", kind: "watchlist.remove", hlc: hlc(2000), body: { content_id: "m", observed_tags: ["a"] } });
  assert.deepEqual(s.view().watchlist, []);
  s.applyDelta({ type: "watchlist_update", content_id: "m", present: true, unique_tags: ["a", "b"], hlc: hlc(1500), cursor: "c1" });
  assert.deepEqual(s.view().watchlist.map((w) => w.unique_tags), [["b"]]);
  s.acked("r");
  s.applyDelta({ type: "watchlist_update", content_id: "m", present: true, unique_tags: ["b"], hlc: hlc(2000), cursor: "c2" });
  assert.equal(s.overlay.length, 0);
});

test("an add shows with its own tag beside the ones the item has", () => {
  const s = new LocalState();
  s.applySnapshot({ watchlist: [{ content_id: "m", unique_tags: ["a"], hlc: hlc(1000) }] });
  s.addWrite({ id: "w", kind: "watchlist.add", hlc: hlc(2000), body: { content_id: "m", unique_tag: "t" } });
  assert.deepEqual(s.view().watchlist[0].unique_tags, ["a", "t"]);
  s.acked("w");
  s.applyDelta({ type: "watchlist_update", content_id: "m", present: true, unique_tags: ["a", "t"], hlc: hlc(2000), cursor: "c1" });
  assert.equal(s.overlay.length, 0);
});

test("expired and dismissed notifications are not listed", () => {
  const s = new LocalState();
  const now = Date.parse("2026-12-07T10:00:00Z");
  s.applySnapshot({ notifications: [
    { notification_id: "old", title: "t", created_at: "2026-12-07T08:00:00Z", expires_at: "2026-12-07T09:00:00Z", read: false },
    { notification_id: "new", title: "t", created_at: "2026-12-07T09:30:00Z", read: false },
    { notification_id: "newer", title: "t", created_at: "2026-12-07T09:40:00Z", read: false },
  ] });
  s.addWrite({ id: "d", kind: "notifications.dismiss", body: { notification_id: "newer" } });
  s.addWrite({ id: "r", kind: "notifications.read", body: { notification_id: "new" } });
  const view = s.view(now);
  assert.deepEqual(view.notifications.map((n) => n.notification_id), ["new"]);
  assert.equal(view.unreadCount, 0);
});

test("the device clock never goes back and passes every HLC it sees", () => {
  let wall = 1_000;
  const clock = new DeviceClock(() => wall);
  const a = clock.next();
  const b = clock.next();
  assert.ok(b > a);
  clock.see(hlc(5_000, 3));
  assert.equal(clock.next(), BigInt(hlc(5_000, 4)));
  wall = 900; // the wall clock stepped back
  assert.ok(clock.next() > BigInt(hlc(5_000, 4)));
  wall = 6_000;
  assert.equal(clock.next(), BigInt(hlc(6_000)));
});
