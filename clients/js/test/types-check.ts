// Compiled by `npm run typecheck` (tsc, no output): the README's example and the rest of the API type-check
// against index.d.ts as an app would write them.
import { SyncClient, SyncError, type SyncState, type Status } from "../src/index.js";

declare const token: string;

async function example(): Promise<void> {
  const client = new SyncClient({ baseUrl: "http://localhost:8083", token, deviceId: "phone-1" });
  client.on("state", (s: SyncState) => console.log(s.watchlist.length, s.progress[0]?.completion_percent, s.unreadCount));
  client.on("status", (st: Status) => console.log(st));
  client.on("notification", (n) => console.log(n.title, n.priority));
  client.on("command", (c) => console.log(c.type));
  client.on("error", (e: SyncError) => console.log(e.code, e.permanent));
  await client.connect();
  const added = await client.watchlist.add("tmdb:550", { title: "Fight Club" });
  console.log(added.hlc, added.unique_tag);
  await client.watchlist.remove("tmdb:550");
  await client.progress.update({ contentId: "tmdb:550", positionSeconds: 100, durationSeconds: 8340, state: "paused" });
  await client.preferences.set("subtitles", "fr");
  await client.devices.command("tv-1", { type: "Pause" });
  await client.devices.handoff("tv-1", "tmdb:550");
  for (const n of client.notifications.list()) await client.notifications.read(n.notification_id);
  const pending: number = client.pendingWrites.length;
  console.log(pending, client.status, client.cursor);
  await client.setToken(token);
  await client.close();
}

void example;
