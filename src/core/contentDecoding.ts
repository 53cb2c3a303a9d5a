// A body sent with Content-Encoding (gzip, deflate, br) although identity was asked for: the file
// saved must be the resource the URL names, so it is decoded on the way to the disk, unless the
// resource is itself a compressed archive (a .gz is kept byte for byte).
import { zlibModule } from './lazyModules';
import type { Transform } from 'node:stream';
import { DownloadError } from './errors';
import type { BodyConsumer } from './http';

/** What the `.part` writer needs of a body: the Exchange, or a decoder in front of it. */
export interface BodySource {
  consume(consumer: BodyConsumer): void;
  pause(): void;
  resume(): void;
  abort(reason: Error): void;
}

const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlibModule().createGunzip(),
  'x-gzip': () => zlibModule().createGunzip(),
  deflate: () => zlibModule().createInflate(),
  br: () => zlibModule().createBrotliDecompress(),
};
const ARCHIVE_NAME = /\.(gz|tgz|taz|br|zst|z|zz)$/i;
const ARCHIVE_TYPE = /^application\/(x-)?(gzip|gunzip|brotli|zstd|compress)\b/i;

/**
 * How to treat a response's Content-Encoding: 'none' (identity, or an archive kept as sent),
 * 'decode', or a DownloadError for an encoding that cannot be decoded.
 */
export function encodingPlan(encoding: string | undefined, contentType: string | undefined, fileName: string): 'none' | 'decode' | DownloadError {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === 'identity') return 'none';
  if (ARCHIVE_NAME.test(fileName) || ARCHIVE_TYPE.test(contentType ?? '')) return 'none';
  if (DECODERS[coding]) return 'decode';
  return new DownloadError(`the server compressed the body with "${coding}" although Asset Fetch asked for none, and cannot decode it`, false, 'PROTOCOL');
}

/** The body of `source` decoded with `encoding` (one of gzip, x-gzip, deflate, br). */
export function decodedBody(source: BodySource, encoding: string): BodySource {
  const coding = encoding.trim().toLowerCase();
  const decoder = DECODERS[coding]();
  let failed = false;
  return {
    consume(consumer) {
      decoder.on('data', (chunk: Buffer) => consumer.onData(chunk));
      decoder.on('end', () => consumer.onEnd());
      decoder.on('error', (err) => {
        if (failed) return;
        failed = true;
        source.abort(err);
        consumer.onError(new DownloadError(`the ${coding}-compressed body is corrupt: ${err.message}`, true, 'PROTOCOL'));
      });
      // The decoder's buffer full: hold the connection until it drains.
      decoder.on('drain', () => source.resume());
      source.consume({
        onData: (chunk) => {
          if (!decoder.write(chunk)) source.pause();
        },
        onEnd: () => decoder.end(),
        onError: (err) => {
          if (failed) return;
          failed = true;
          decoder.destroy();
          consumer.onError(err);
        },
      });
    },
    pause: () => decoder.pause(),
    resume: () => decoder.resume(),
    abort(reason) {
      failed = true;
      source.abort(reason);
      decoder.destroy();
    },
  };
}
