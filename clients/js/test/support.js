// What the package's tests run against: the real service (the packaged jar) as a child process on a broker of
// its own — so the service can be killed and started again while the broker keeps the log — tokens signed as
// the service expects them, and a TCP proxy that cuts one client off the network.
//
// JsClientIT (mvn verify) provides the broker and the jar: MGS_JAR, KAFKA_BOOTSTRAP_SERVERS, MGS_WORK_DIR and
// MGS_JAVA. To run these tests by hand, start a broker and set the same variables.

import { spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export const SECRET = "sync-client-test-secret-long-enough-for-hs256";

/**
 * Where the jar, the broker and a work directory are. `needBroker`: the tests kill the service, so the broker
 * must be another process; the benchmark may let the service run its embedded one.
 */
export function settings({ needBroker = true } = {}) {
  const built = path.resolve("../../target/media-gateway-sync.jar");
  const jar = process.env.MGS_JAR || (existsSync(built) ? built : null);
  const kafka = process.env.KAFKA_BOOTSTRAP_SERVERS || null;
  if (!jar || (needBroker && !kafka)) {
    throw new Error("these tests need the service's jar and a broker: set MGS_JAR and KAFKA_BOOTSTRAP_SERVERS "
      + "(mvn verify does, through JsClientIT)");
  }
  const work = process.env.MGS_WORK_DIR || path.resolve("../../target/js-client");
  mkdirSync(work, { recursive: true });
  return { jar, kafka, work, java: process.env.MGS_JAVA || "java" };
}

/** An HS256 JWT as the service's JwtTokens makes them. */
export function token(claims, secret = SECRET, ttlSeconds = 3600) {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iat: now, exp: now + ttlSeconds, ...claims })}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

export const userToken = (user, device, options = {}) =>
  token({ sub: user, device_id: device }, options.secret, options.ttlSeconds);
export const serviceToken = (name = "notifier") => token({ sub: name, role: "service" });

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Two free ports in a row (the embedded broker's listener and its controller's). */
async function freePortPair() {
  for (;;) {
    const port = await freePort();
    const next = await new Promise((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port + 1, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (next) return port;
  }
}

/** Polls `check` every 50 ms until it is true; throws `message` (and the last value) after `timeoutMs`. */
export async function until(check, timeoutMs, message) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${message} (not within ${timeoutMs} ms; last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The service as a process of its own: started, killed (SIGKILL) and started again on the same data directory. */
export class Service {
  constructor(extraEnv = {}, { needBroker = true } = {}) {
    this.settings = settings({ needBroker });
    this.id = `js-client-${randomUUID().slice(0, 8)}`;
    this.dataDir = path.join(this.settings.work, this.id);
    this.log = path.join(this.settings.work, `${this.id}.log`);
    this.extraEnv = extraEnv;
    this.process = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.port ??= await freePort();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SYNC_|KAFKA_|PG_|PUBNUB_)/.test(k)));
    if (this.settings.kafka) {
      env.KAFKA_BOOTSTRAP_SERVERS = this.settings.kafka;
    } else {
      // the service's embedded broker: its listener and the controller's, the port after it
      this.kafkaPort ??= await freePortPair();
      env.SYNC_EMBEDDED_KAFKA_PORT = String(this.kafkaPort);
    }
    Object.assign(env, {
      SYNC_PG: "off",
      SYNC_ANALYTICS: "off",
      SYNC_HOST: "127.0.0.1",
      SYNC_PORT: String(this.port),
      SYNC_ADVERTISED_URL: this.url,
      SYNC_DATA_DIR: this.dataDir,
      SYNC_APPLICATION_ID: this.id,
      SYNC_STREAM_THREADS: "1",
      SYNC_JWT_SECRET: SECRET,
      SYNC_RATE_LIMIT_USER_PER_SEC: "0",
      SYNC_RATE_LIMIT_DEVICE_PER_SEC: "0",
      // a killed instance's tasks move on after 10 s, not 45 (its restart is a new member)
      SYNC_KAFKA_SESSION_TIMEOUT_MS: "10000",
      ...this.extraEnv,
    });
    const out = openSync(this.log, "a");
    this.process = spawn(this.settings.java, ["-Xmx384m", "-jar", this.settings.jar, "serve"], { env, stdio: ["ignore", out, out] });
    const child = this.process;
    this.exited = new Promise((resolve) => child.once("exit", resolve));
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`the service exited ${child.exitCode}; see ${this.log}`);
      const r = await fetch(`${this.url}/ready`).catch(() => null);
      return r?.status === 200;
    }, 120_000, `the service on port ${this.port} did not get ready; see ${this.log}`);
  }

  /** SIGKILL: no goodbye to the broker, the clients or the devices. */
  async kill() {
    if (!this.process || this.process.exitCode !== null) return;
    this.process.kill("SIGKILL");
    await this.exited;
  }

  async stop() {
    if (!this.process || this.process.exitCode !== null) return;
    this.process.kill("SIGTERM");
    const stopped = await Promise.race([this.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 30_000))]);
    if (!stopped) await this.kill();
  }

  output() {
    return readFileSync(this.log, "utf8");
  }

  /** A REST call to the service as `bearer`; answers {status, body}. */
  async call(method, pathAndQuery, bearer, body) {
    const r = await fetch(`${this.url}${pathAndQuery}`, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  }
}

/**
 * A TCP proxy in front of the service: a client connected through it can be cut off the network (its
 * connections dropped, new ones refused at once) and joined again, while other clients stay connected.
 */
export class Proxy {
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.sockets = new Set();
    this.cutOff = false;
    this.accepted = 0;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  listen() {
    this.server = net.createServer((inbound) => {
      if (this.cutOff) {
        inbound.destroy();
        return;
      }
      this.accepted++;
      const outbound = net.connect(this.targetPort, "127.0.0.1");
      for (const [a, b] of [[inbound, outbound], [outbound, inbound]]) {
        this.sockets.add(a);
        a.on("error", () => b.destroy());
        // A side that closed cleanly has its last bytes (a close frame, an error message) still to be written to the other:
        // end that one, do not destroy it, or they are lost and the client sees a drop (1006) instead of the close.
        a.on("close", (hadError) => {
          this.sockets.delete(a);
          if (hadError) b.destroy();
          else b.end();
        });
        a.pipe(b);
      }
    });
    return new Promise((resolve) => this.server.listen(0, "127.0.0.1", () => {
      this.port = this.server.address().port;
      resolve(this);
    }));
  }

  cut() {
    this.cutOff = true;
    for (const s of this.sockets) s.destroy();
  }

  heal() {
    this.cutOff = false;
  }

  close() {
    this.cut();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

/** The WebSocket class of the platform, recording the URL of every session the client opens. */
export function recordingWebSocket(urls) {
  return class extends WebSocket {
    constructor(url, protocols) {
      urls.push(String(url));
      super(url, protocols);
    }
  };
}

/** The parts of a state two replicas must agree on (`pending` marks and device presence left out). */
export function comparable(state) {
  return {
    watchlist: state.watchlist.map((w) => ({ content_id: w.content_id, unique_tags: [...w.unique_tags].sort(),
      pending: w.pending ?? false })).sort((a, b) => a.content_id.localeCompare(b.content_id)),
    progress: state.progress.map((p) => ({ content_id: p.content_id, position_seconds: p.position_seconds,
      duration_seconds: p.duration_seconds, state: p.state, hlc: p.hlc, pending: p.pending ?? false }))
      .sort((a, b) => a.content_id.localeCompare(b.content_id)),
    preferences: Object.fromEntries(Object.entries(state.preferences).sort(([a], [b]) => a.localeCompare(b))),
    notifications: state.notifications.map((n) => ({ id: n.notification_id, read: !!n.read }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** The server's state of a user, read over REST, in the shape of `comparable`. */
export async function serverState(service, bearer) {
  const r = await service.call("GET", "/api/v1/sync/snapshot", bearer);
  if (r.status !== 200) throw new Error(`snapshot answered ${r.status}: ${JSON.stringify(r.body)}`);
  return comparable({ ...r.body, notifications: r.body.notifications || [] });
}
