// A hybrid logical clock on the device (contract §2): milliseconds since the epoch in the high 48 bits, a
// counter in the low 16. Every write the client makes carries the next value, so a write keeps the time the
// user made it even when it is sent later, two writes of this device are never equal, and a write is newer
// than every change the device has seen (the receive rule). The wire carries HLCs as decimal strings: they
// exceed 2^53.

const LOGICAL_BITS = 16n;

export class DeviceClock {
  #last = 0n;
  #wallClock;

  /** @param {() => number} [wallClock] milliseconds since the epoch */
  constructor(wallClock = () => Date.now()) {
    this.#wallClock = wallClock;
  }

  /** The next HLC of this device: greater than every value it gave or saw. */
  next() {
    const physical = BigInt(Math.floor(this.#wallClock())) << LOGICAL_BITS;
    this.#last = physical > this.#last ? physical : this.#last + 1n;
    return this.#last;
  }

  /** Sees an HLC (a string, number or bigint) from the server; anything that is not one is ignored. */
  see(hlc) {
    const value = toHlc(hlc);
    if (value !== null && value > this.#last) this.#last = value;
  }
}

/** An HLC as a bigint, or null when `value` is none. */
export function toHlc(value) {
  if (typeof value === "bigint") return value;
  if ((typeof value === "string" && /^\d{1,19}$/.test(value)) || (typeof value === "number" && Number.isInteger(value) && value >= 0)) {
    return BigInt(value);
  }
  return null;
}

/** The wall-clock time of an HLC, in milliseconds since the epoch. */
export function hlcMillis(hlc) {
  const value = toHlc(hlc);
  return value === null ? null : Number(value >> LOGICAL_BITS);
}
