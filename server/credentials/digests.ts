import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

/**
 * What the hub keeps of a secret it made: enough to check a candidate, never the secret itself.
 * The API token is 192 random bits, so a plain SHA-256 serves; the staff PIN has few digits, so it
 * is stretched with scrypt and salted, which makes guessing it from a copied data folder slow.
 */
export const TokenDigest = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();
export type TokenDigest = z.infer<typeof TokenDigest>;

export const PinDigest = z
  .object({
    scrypt: z
      .object({
        salt: z.string().regex(/^[0-9a-f]{32}$/),
        hash: z.string().regex(/^[0-9a-f]{64}$/),
        cost: z
          .number()
          .int()
          .refine((n) => [1024, 2048, 4096, 8192, 16384].includes(n), 'must be a power of two from 1024 to 16384'),
      })
      .strict(),
  })
  .strict();
export type PinDigest = z.infer<typeof PinDigest>;

// 4 MiB of memory per check: a burst of 30 logins (the route's rate limit) stays within about 120 MiB.
const PIN_COST = 4096;
const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

function scrypt(value: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(value, salt, 32, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export function digestToken(token: string): TokenDigest {
  return { sha256: sha256(token).toString('hex') };
}

export async function digestPin(pin: string): Promise<PinDigest> {
  const salt = randomBytes(16);
  const hash = await scrypt(pin, salt, { N: PIN_COST });
  return { scrypt: { salt: salt.toString('hex'), hash: hash.toString('hex'), cost: PIN_COST } };
}

/** Checks a bearer token in constant time (both sides are digests of one length). */
export function tokenChecker(digest: TokenDigest): (candidate: string) => boolean {
  const expected = Buffer.from(digest.sha256, 'hex');
  return (candidate) => timingSafeEqual(sha256(candidate), expected);
}

/** Checks a PIN off the event loop (scrypt runs on libuv's pool), in constant time. */
export function pinChecker(digest: PinDigest): (candidate: string) => Promise<boolean> {
  const salt = Buffer.from(digest.scrypt.salt, 'hex');
  const expected = Buffer.from(digest.scrypt.hash, 'hex');
  return async (candidate) => timingSafeEqual(await scrypt(candidate, salt, { N: digest.scrypt.cost }), expected);
}
