// A real node:http server for one file, as object stores and CDNs serve large files: Range and
// If-Range, a strong ETag, and a rate cap per connection (so one connection is slow and only
// splitting gets the bandwidth). Switches make it ignore ranges or change the file mid-download.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RangeRequest {
  range?: string;
  ifRange?: string;
  status: number;
}

export interface RangeServerOptions {
  /** Bytes per second per connection. */
  rate: number;
  host?: string;
  /** Answer every request with the whole file (200), while still announcing Accept-Ranges. */
  ignoreRanges?: boolean;
  /** Announce `Accept-Ranges: bytes` (default true). */
  acceptRanges?: boolean;
  /** The first this many bytes of each response go out at full speed, then `rate` applies (a token bucket's burst). */
  burstBytes?: number;
  /** Serve this file, under a new ETag, to every request after the first (a change mid-download, at a known point). */
  changeAfterFirst?: Buffer;
}

export interface RangeServer {
  url(path?: string): string;
  readonly requests: RangeRequest[];
  close(): Promise<void>;
}

export async function startRangeServer(initial: Buffer, options: RangeServerOptions): Promise<RangeServer> {
  let body = initial;
  let version = 1;
  const requests: RangeRequest[] = [];
  const server = http.createServer((req, res) => {
    const etag = `"v${version}"`;
    const file = body;
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    let start = 0;
    let end = file.length - 1;
    const headers: http.OutgoingHttpHeaders = { etag, 'content-type': 'application/octet-stream' };
    if (options.acceptRanges !== false) headers['accept-ranges'] = 'bytes';
    let status = 200;
    if (match && !options.ignoreRanges && (ifRange === undefined || ifRange === etag)) {
      start = Number(match[1]);
      end = match[2] ? Math.min(Number(match[2]), file.length - 1) : file.length - 1;
      status = 206;
      headers['content-range'] = `bytes ${start}-${end}/${file.length}`;
    }
    requests.push({ range: req.headers.range, ifRange: typeof ifRange === 'string' ? ifRange : undefined, status });
    if (requests.length === 1 && options.changeAfterFirst) {
      body = options.changeAfterFirst;
      version++;
    }
    headers['content-length'] = end - start + 1;
    res.writeHead(status, headers);
    let position = start;
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let burstEnd: number | undefined;
    /** When the burst was sent: the capped rate counts from there. */
    const burstEndedAt = () => (burstEnd ??= Date.now());
    const pump = () => {
      while (position <= end) {
        const burst = options.burstBytes ?? 0;
        const due = sent < burst ? 0 : ((sent - burst) / options.rate) * 1000 - (Date.now() - burstEndedAt());
        if (due > 0) {
          timer = setTimeout(pump, due);
          return;
        }
        const n = Math.min(16 * 1024, end - position + 1);
        const more = res.write(file.subarray(position, position + n));
        position += n;
        sent += n;
        if (!more) return void res.once('drain', pump);
      }
      res.end();
    };
    res.once('close', () => clearTimeout(timer));
    pump();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url: (path = '/file.bin') => origin + path,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
