// Web Crypto (global in Node 20+ and browsers), not `node:crypto`: the core loads no Node modules.
const randomBytes = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

let lastMs = 0;
let seq = 0;

/**
 * RFC 9562 UUIDv7: 48-bit Unix milliseconds, then random bits, with a 12-bit counter in `rand_a`
 * so ids made in the same millisecond by this process still sort in creation order.
 * (Written here because the `uuid` package is ESM-only from v12 and jest runs CommonJS.)
 */
export function uuidv7(now: number = Date.now()): string {
  if (now <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1; // counter wrapped: borrow the next millisecond to stay monotonic
    now = lastMs;
  } else {
    lastMs = now;
    seq = randomBytes(2).reduce((a, x) => (a << 8) | x, 0) & 0x3ff; // random start leaves headroom for the counter
  }
  const b = randomBytes(16);
  for (let i = 5, t = now; i >= 0; i--, t = Math.floor(t / 256)) b[i] = t % 256;
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = 0x80 | ((b[8] ?? 0) & 0x3f);
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const isUuidV7 = (s: string): boolean => UUID_V7.test(s);
