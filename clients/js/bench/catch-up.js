// Issue 26's measure: a client offline for a minute while 100 changes are made elsewhere — how long from the
// network's return to live, and how many bytes the catch-up takes against a full snapshot of the same user
// (500 watchlist titles). Runs the packaged jar on its embedded broker (or KAFKA_BOOTSTRAP_SERVERS).
//
//   mvn -q -DskipTests package && cd clients/js && npm run bench -- [--items 500] [--missed 100] [--outage-ms 60000] [--reps 3]
//
// Bytes are the JSON payloads the client received (Node's WebSocket negotiates no compression; a browser's
// permessage-deflate would send fewer).
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { SyncClient } from "../src/index.js";
import { Proxy, Service, until, userToken } from "../test/support.js";

const { values: args } = parseArgs({ options: {
  items: { type: "string", default: "500" },
  missed: { type: "string", default: "100" },
  "outage-ms": { type: "string", default: "60000" },
  reps: { type: "string", default: "1" },
} });
const ITEMS = Number(args.items);
const MISSED = Number(args.missed);
const OUTAGE_MS = Number(args["outage-ms"]);
const REPS = Number(args.reps);

/** The platform's WebSocket, counting what each session receives and when it opened. */
function countingWebSocket(sessions) {
  return class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      const session = { url: String(url), createdAt: performance.now(), openedAt: null, bytes: 0, messages: 0, first: null };
      sessions.push(session);
      this.addEventListener("open", () => { session.openedAt = performance.now(); });
      this.addEventListener("message", (e) => {
        const size = Buffer.byteLength(typeof e.data === "string" ? e.data : Buffer.from(e.data));
        session.bytes += size;
        session.messages++;
        session.first ??= { type: JSON.parse(e.data).type, bytes: size };
      });
    }
  };
}

async function post(service, bearer, path, body) {
  const r = await service.call("POST", path, bearer, body);
  if (r.status !== 202) throw new Error(`${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

async function rep(service, n) {
  const user = `bench-${randomUUID().slice(0, 8)}`;
  const tv = userToken(user, "tv-1");
  for (let i = 0; i < ITEMS; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, ITEMS - i) }, (_, k) => post(service, tv, "/api/v1/sync/watchlist",
      { operation: "add", content_id: `tmdb:${i + k}`, content_metadata: { title: `Title number ${i + k}`, year: 1990 + ((i + k) % 35),
        content_type: "movie", poster_url: `https://img.example.com/posters/${i + k}.jpg` } })));
  }
  const proxy = await new Proxy(service.port).listen();
  const sessions = [];
  const phone = new SyncClient({ baseUrl: proxy.url, token: userToken(user, "phone-1"), WebSocket: countingWebSocket(sessions) });
  await phone.connect();
  await until(() => phone.state.watchlist.length === ITEMS, 30_000, "the phone has not every title");

  proxy.cut();
  const cutAt = performance.now();
  await until(() => phone.status !== "live", 10_000, "the phone did not notice the outage");
  // the changes made elsewhere meanwhile, spread over the outage
  const spacing = OUTAGE_MS / (MISSED + 1);
  let last;
  for (let i = 0; i < MISSED; i++) {
    const at = cutAt + spacing * (i + 1);
    await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())));
    last = i % 2 === 0
      ? await post(service, tv, "/api/v1/sync/progress", { content_id: `tmdb:${i % 50}`, position_seconds: 60 + i, duration_seconds: 6000, state: "playing" })
      : await post(service, tv, "/api/v1/sync/preferences", { key: `pref${i % 10}`, value: i });
  }
  await new Promise((r) => setTimeout(r, Math.max(0, cutAt + OUTAGE_MS - performance.now())));
  const before = sessions.length;
  const lastHlc = last.hlc;
  proxy.heal();
  const healedAt = performance.now();
  await until(() => phone.status === "live" && sessions.length > before, 120_000, "the phone did not come back");
  const liveAt = performance.now();
  await until(() => phone.state.preferences.pref9 === MISSED - 1 || phone.state.progress.some((p) => p.hlc === lastHlc), 30_000,
    "the phone has not the last change");
  const back = sessions[sessions.length - 1];

  // the full snapshot the same user costs a client without a cursor
  const fresh = [];
  const other = new SyncClient({ baseUrl: service.url, token: userToken(user, "web-1"), WebSocket: countingWebSocket(fresh) });
  await other.connect();
  const snapshotBytes = fresh[0].first.bytes;
  await other.close();
  await phone.close();
  await proxy.close();

  const result = {
    rep: n,
    waitedForBackoffMs: Math.round(back.createdAt - healedAt),
    openToLiveMs: Math.round(liveAt - back.openedAt),
    healToLiveMs: Math.round(liveAt - healedAt),
    catchUpFirstMessage: back.first.type,
    catchUpBytes: back.bytes,
    catchUpMessages: back.messages,
    snapshotBytes,
    reconnectAttempts: sessions.length - before,
  };
  console.log(JSON.stringify(result));
  return result;
}

const service = new Service({}, { needBroker: false });
await service.start();
try {
  console.log(`catch-up after a ${OUTAGE_MS / 1000} s outage with ${MISSED} missed changes, user of ${ITEMS} titles, ${REPS} rep(s)`);
  const results = [];
  for (let n = 1; n <= REPS; n++) results.push(await rep(service, n));
  console.table(results);
} finally {
  await service.stop();
}
