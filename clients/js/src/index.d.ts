// Types of @media-gateway/sync-client (contract §17). Kept by hand beside index.js; `npm run typecheck` checks
// them against the code and test/types-check.ts against them.

/** A hybrid logical clock value as the service writes it: a string of decimal digits (contract §2). */
export type Hlc = string;

export type Status = "connecting" | "live" | "offline";
export type PlaybackState = "playing" | "paused" | "stopped" | "Playing" | "Paused" | "Stopped";

export interface ContentMetadata {
  title?: string;
  year?: number;
  poster_url?: string;
  content_type?: string;
}

export interface WatchlistItem {
  content_id: string;
  unique_tags: string[];
  device_id: string | null;
  hlc: Hlc;
  content_metadata: ContentMetadata | null;
  /** A write of this client the service has not shown back yet. */
  pending?: true;
}

export interface ProgressItem {
  content_id: string;
  position_seconds: number;
  duration_seconds: number;
  /** A ratio, 0.0–1.0. */
  completion_percent: number;
  completed: boolean;
  resume_position_seconds: number;
  state: "Playing" | "Paused" | "Stopped";
  device_id: string | null;
  hlc: Hlc;
  platform_id?: string;
  pending?: true;
}

export interface Device {
  device_id: string;
  device_type?: string;
  platform?: string;
  capabilities?: Record<string, unknown>;
  app_version?: string;
  device_name?: string;
  online?: boolean;
  last_seen?: number;
  activity?: "watching" | "paused" | "idle" | "background";
  now_playing?: { content_id: string; position_seconds: number };
}

export interface Notification {
  notification_id: string;
  notification_type: "content_expiring" | "new_recommendation" | "social_update" | "platform_announcement" | string;
  title: string;
  body: string;
  priority: "low" | "normal" | "high" | "urgent";
  created_at?: string;
  expires_at?: string;
  data?: Record<string, unknown>;
  read: boolean;
}

export interface SyncState {
  watchlist: WatchlistItem[];
  progress: ProgressItem[];
  preferences: Record<string, unknown>;
  devices: Device[];
  notifications: Notification[];
  unreadCount: number;
  cursor: string | null;
}

/** A delta as the service pushes it (contract §5): `type` is its msg_type. */
export interface Delta {
  type: string;
  user_id?: string;
  device_id?: string;
  hlc?: Hlc;
  cursor?: string;
  delta_id?: string;
  [field: string]: unknown;
}

export interface Broadcast {
  type: "broadcast";
  channel: string;
  message: Record<string, unknown>;
  cursor?: string;
  published_at?: string;
}

/** The service's answer to a write (contract §6). */
export interface WriteAnswer {
  hlc: Hlc;
  token: string;
  unique_tag?: string;
  [field: string]: unknown;
}

export interface PendingWrite {
  id: string;
  kind: string;
  body: Record<string, unknown>;
  hlc?: Hlc;
  queuedAt: number;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface SyncClientOptions {
  /** The service, e.g. `http://localhost:8083`; in a page, the page's origin by default. */
  baseUrl?: string;
  /** A user token (JWT, contract §6). */
  token: string;
  /** This device; by default the token's `device_id` claim. */
  deviceId?: string;
  /** The WebSocket class; by default the platform's. */
  WebSocket?: typeof WebSocket;
  /** By default the platform's fetch. */
  fetch?: typeof fetch;
  /** Where writes wait while offline; by default localStorage when there is one, else memory. */
  storage?: KeyValueStorage;
  /** The most writes that may wait (default 1000); one more is refused with `queue_full`. */
  maxPendingWrites?: number;
  /** Reconnection: jittered exponential backoff from `initialDelayMs` (1000) up to `maxDelayMs` (30000). */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** A session not live this long after it opened is dropped and tried again (default 15000). */
  connectTimeoutMs?: number;
  /**
   * Where `online` events come from (default: the browser's window): when the network is back, a connection
   * waiting for its backoff timer is tried at once.
   */
  network?: EventTarget;
  /** One REST request's limit (default 10000). */
  requestTimeoutMs?: number;
  /** How long an acknowledged write stays shown if the service's state does not show it back (default 5000). */
  confirmAfterMs?: number;
}

export interface SyncEvents {
  state: SyncState;
  status: Status;
  delta: Delta;
  notification: Notification;
  /** A remote command for this device. */
  command: Delta;
  broadcast: Broadcast;
  /** The service answered a catch-up with a full snapshot (the cursor was older than its history). */
  reset: { cursor: string | null };
  /** The token runs out soon: call `setToken` with a fresh one. */
  tokenExpiring: { expiresAt: string; message: string };
  error: SyncError;
}

export declare class SyncError extends Error {
  constructor(code: string, message: string, status?: number);
  readonly code: string;
  readonly status: number | undefined;
  /** The service refused it for good (4xx other than 401, 408 and 429). */
  readonly permanent: boolean;
}

export declare class SyncClient {
  constructor(options: SyncClientOptions);
  readonly userId: string | null;
  readonly deviceId: string | null;
  readonly status: Status;
  readonly state: SyncState;
  readonly cursor: string | null;
  readonly pendingWrites: PendingWrite[];
  on<E extends keyof SyncEvents>(event: E, listener: (value: SyncEvents[E]) => void): () => void;
  off<E extends keyof SyncEvents>(event: E, listener: (value: SyncEvents[E]) => void): void;
  connect(): Promise<void>;
  setToken(token: string): Promise<void>;
  /** Drops the connection and opens a new one, catching up from the cursor (e.g. when the network changed). */
  reconnect(): void;
  close(): Promise<void>;
  readonly watchlist: {
    add(contentId: string, metadata?: ContentMetadata): Promise<WriteAnswer>;
    remove(contentId: string): Promise<WriteAnswer>;
    list(): WatchlistItem[];
  };
  readonly progress: {
    update(update: { contentId: string; positionSeconds: number; durationSeconds: number; state?: PlaybackState }): Promise<WriteAnswer>;
    remove(contentId: string): Promise<WriteAnswer>;
    list(): ProgressItem[];
  };
  readonly preferences: {
    set(key: string, value: unknown): Promise<WriteAnswer>;
    get(key: string): unknown;
  };
  readonly devices: {
    command(targetDeviceId: string, command: { type: string; params?: Record<string, unknown> }): Promise<WriteAnswer>;
    handoff(targetDeviceId: string, contentId: string): Promise<WriteAnswer>;
    list(): Device[];
  };
  readonly notifications: {
    list(): Notification[];
    read(notificationId: string): Promise<WriteAnswer>;
    dismiss(notificationId: string): Promise<WriteAnswer>;
  };
}

export declare class DeviceClock {
  constructor(wallClock?: () => number);
  next(): bigint;
  see(hlc: string | number | bigint): void;
}

export declare class MemoryStorage implements KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
