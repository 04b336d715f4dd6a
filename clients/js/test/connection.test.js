// The client's connection against sockets that misbehave in ways a real service rarely shows on demand.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStorage, SyncClient } from "../src/index.js";

const token = (claims) => `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

/** A socket that opens and then says nothing — and, like a server that does not read it, never answers a close. */
class SilentSocket extends EventTarget {
  static opened = [];

  constructor(url) {
    super();
    this.url = url;
    this.readyState = 0;
    this.closedWith = null;
    SilentSocket.opened.push(this);
    setTimeout(() => {
      this.readyState = 1;
      this.dispatchEvent(new Event("open"));
    }, 1);
  }

  send() {}

  close(code) {
    this.closedWith = code; // no close event: the handshake is never finished
  }
}

test("a session not live in time is dropped and tried again, even when its close never completes", async () => {
  SilentSocket.opened = [];
  const client = new SyncClient({
    baseUrl: "http://sync.invalid",
    token: token({ sub: "u1", device_id: "d1" }),
    WebSocket: SilentSocket,
    fetch: () => Promise.reject(new Error("no network in this test")),
    storage: new MemoryStorage(),
    connectTimeoutMs: 50,
    reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
  });
  const statuses = [];
  client.on("status", (s) => statuses.push(s));
  client.connect().catch(() => {});
  const deadline = Date.now() + 5000;
  while (SilentSocket.opened.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await client.close();
  assert.ok(SilentSocket.opened.length >= 3, `sessions opened: ${SilentSocket.opened.length}`);
  assert.equal(SilentSocket.opened[0].closedWith, 4000, "the stuck session was told why it is dropped");
  assert.deepEqual(statuses.slice(0, 4), ["connecting", "offline", "connecting", "offline"]);
});

/** A socket the network refuses at once (the device is offline). */
class RefusedSocket extends EventTarget {
  static opened = 0;

  constructor(url) {
    super();
    this.url = url;
    this.readyState = 0;
    RefusedSocket.opened++;
    setTimeout(() => {
      this.readyState = 3;
      this.dispatchEvent(new Event("error"));
      this.dispatchEvent(Object.assign(new Event("close"), { code: 1006, reason: "" }));
    }, 1);
  }

  send() {}

  close() {}
}

test("the network's online event tries a waiting connection at once instead of at the end of its backoff", async () => {
  RefusedSocket.opened = 0;
  const network = new EventTarget();
  const client = new SyncClient({
    baseUrl: "http://sync.invalid",
    token: token({ sub: "u1", device_id: "d1" }),
    WebSocket: RefusedSocket,
    fetch: () => Promise.reject(new Error("no network in this test")),
    storage: new MemoryStorage(),
    network,
    reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
  });
  client.connect().catch(() => {});
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(RefusedSocket.opened, 1, "the first attempt, refused; the next waits 30–60 s");
  network.dispatchEvent(new Event("online"));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(RefusedSocket.opened, 2, "tried again as soon as the network said it is back");
  await client.close();
  network.dispatchEvent(new Event("online"));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(RefusedSocket.opened, 2, "a closed client does not listen any more");
});
