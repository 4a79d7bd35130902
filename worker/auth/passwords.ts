import { scrypt, randomBytes } from 'node:crypto';
import { timingSafeEqual } from '../lib/crypto';

/**
 * scrypt from node:crypto (nodejs_compat). Parameters are stored in the hash string so they can be
 * raised later without breaking old hashes. N=2^14, r=8, p=5 is OWASP's floor and runs in
 * production Workers, which reject PBKDF2 above 100,000 iterations (local workerd does not enforce
 * that cap, so a hash that passes locally could fail in production: see STACK.md).
 */
const PARAMS = { N: 16384, r: 8, p: 5, keylen: 32 } as const;
// scrypt needs 128 * N * r bytes; Node's default maxmem (32 MiB) is just enough, say so explicitly.
const MAXMEM = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keylen, { N, r, p, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS.N, PARAMS.r, PARAMS.p, PARAMS.keylen);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p), expected.length);
  return timingSafeEqual(key.toString('base64'), hash);
}

/** A fixed hash to verify against when the email is unknown, so timing does not reveal accounts. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password');
  return dummyHash;
}
