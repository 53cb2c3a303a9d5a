// A certificate authority made by the test with openssl (no certificate files from outside), and
// servers on 127.0.0.1 whose certificate that CA signed: trusted only by a client that is given the
// CA. One speaks HTTP/1.1 over TLS, the others only HTTP/2.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TestCa {
  /** The CA certificate's PEM file. */
  caFile: string;
  serverKey: string;
  serverCert: string;
  dispose(): void;
}

export function makeTestCa(): TestCa {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-fetch-ca-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=asset-fetch test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr'));
  fs.writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'));
  return {
    caFile: file('ca.pem'),
    serverKey: fs.readFileSync(file('server.key'), 'utf8'),
    serverCert: fs.readFileSync(file('server.pem'), 'utf8'),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface CaSignedServer {
  url(pathname: string): string;
  /** How many requests reached the server (a refused handshake never does). */
  requests: number;
  /** TLS handshakes started by clients. */
  connections: number;
  close(): Promise<void>;
}

export async function startCaSignedServer(ca: TestCa, body: Buffer): Promise<CaSignedServer> {
  const state = { requests: 0, connections: 0 };
  const server = https.createServer({ key: ca.serverKey, cert: ca.serverCert }, (_req, res) => {
    state.requests++;
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (pathname) => `https://127.0.0.1:${port}${pathname}`,
    get requests() {
      return state.requests;
    },
    get connections() {
      return state.connections;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Http2OnlyServer {
  url(pathname: string): string;
  /** TCP connections accepted: one per attempt, as a refused handshake sends no request. */
  connections: number;
  /** Requests that reached the HTTP/2 handler (an HTTP/1.1 client never gets that far). */
  requests: number;
  close(): Promise<void>;
}

/**
 * A server that speaks only HTTP/2, signed by `ca`.
 * - 'alpn': node:http2 createSecureServer with allowHTTP1 false, which refuses a client offering
 *   only http/1.1 in ALPN with the TLS alert "no application protocol" (as Go's and other HTTP/2-only
 *   servers do);
 * - 'frames': a TLS server without ALPN that sends HTTP/2 SETTINGS and GOAWAY frames to whoever
 *   connects, as a server that ignores ALPN and speaks HTTP/2 regardless would.
 */
export async function startHttp2OnlyServer(ca: TestCa, kind: 'alpn' | 'frames' = 'alpn'): Promise<Http2OnlyServer> {
  const state = { connections: 0, requests: 0 };
  const sockets = new Set<net.Socket>();
  const server: net.Server =
    kind === 'alpn'
      ? http2.createSecureServer({ key: ca.serverKey, cert: ca.serverCert, allowHTTP1: false }, (_req, res) => {
          state.requests++;
          res.end('only over HTTP/2');
        })
      : tls.createServer({ key: ca.serverKey, cert: ca.serverCert }, (socket) => {
          socket.on('error', () => undefined);
          // SETTINGS (MAX_CONCURRENT_STREAMS 100), then GOAWAY (PROTOCOL_ERROR) for the HTTP/1.1 request.
          socket.write(Buffer.from([0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100]));
          socket.once('data', () => socket.end(Buffer.from([0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])));
        });
  server.on('connection', (socket: net.Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (pathname) => `https://127.0.0.1:${port}${pathname}`,
    get connections() {
      return state.connections;
    },
    get requests() {
      return state.requests;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
