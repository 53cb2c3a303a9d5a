// Hashing what is on disk: a list's checksum= against a file, a lockfile's sha-256.
import type { Hash } from 'node:crypto';
import { cryptoModule } from './lazyModules';
import fs from 'node:fs';
import type { ChecksumAlgorithm } from './types';

/**
 * The hash of `file`'s first `length` bytes (all of it when omitted), still open for more
 * (a resumed download goes on with the bytes that arrive).
 */
export async function hashOfFile(algorithm: ChecksumAlgorithm, file: string, length?: number): Promise<Hash> {
  const hash = cryptoModule().createHash(algorithm.replace('-', ''));
  if (length === 0) return hash;
  const range = length === undefined ? {} : { start: 0, end: length - 1 };
  for await (const chunk of fs.createReadStream(file, range)) hash.update(chunk as Buffer);
  return hash;
}
