// Bytes and text handed over as a list: decoded (UTF-8 with or without BOM, UTF-16 with BOM) and
// refused with one clear error when they are not a list at all (binary data, absurd sizes).

/** Why a whole list cannot be read; `code` is stable for front ends and tests. */
export class ListError extends Error {
  constructor(
    readonly code: 'LIST_BINARY' | 'LIST_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'ListError';
  }
}

/** Lists larger than this are refused (64 MiB of text: over a million URLs). */
export const MAX_LIST_CHARS = 64 * 1024 * 1024;
/** How far into the text a NUL byte is looked for: a binary file shows one early. */
const BINARY_PROBE = 64 * 1024;

/** Decodes a list file's bytes: BOM-marked UTF-16 (LE/BE) or UTF-8, a UTF-8 BOM dropped. */
export function decodeListBytes(bytes: Uint8Array, sourceName: string): string {
  if (bytes.length > MAX_LIST_CHARS) throw listTooLarge(sourceName, bytes.length);
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else text = new TextDecoder('utf-8').decode(bytes); // drops a UTF-8 BOM; bad bytes become U+FFFD
  const problem = textProblem(text, sourceName);
  if (problem) throw problem;
  return text;
}

/** A ListError when `text` is not list text: NUL characters (binary data) or too long. */
export function textProblem(text: string, sourceName: string): ListError | undefined {
  if (text.length > MAX_LIST_CHARS) return listTooLarge(sourceName, text.length, 'characters');
  // Only the start is searched: the file is decoded and then parsed, and each checks it.
  const nul = text.length > BINARY_PROBE ? text.slice(0, BINARY_PROBE).indexOf('\u0000') : text.indexOf('\u0000');
  if (nul >= 0) {
    return new ListError('LIST_BINARY', `${sourceName} is not a list of URLs: it looks like a binary file (a NUL byte at offset ${nul})`);
  }
  return undefined;
}

export function listTooLarge(sourceName: string, size: number, unit = 'bytes'): ListError {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  return new ListError('LIST_TOO_LARGE', `${sourceName} is too large for a list: ${mib(size)} of ${unit}, the limit is ${mib(MAX_LIST_CHARS)}; split it into several lists`);
}
