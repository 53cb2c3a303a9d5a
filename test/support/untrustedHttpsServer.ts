// An https server on 127.0.0.1 whose certificate nobody trusts: a self-signed one for 127.0.0.1
// and localhost, made for these tests only with
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
//     -subj "/CN=asset-fetch test server" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost"
// A client that verifies certificates must refuse it; one told not to must accept it.
import https from 'node:https';
import type { AddressInfo } from 'node:net';

const KEY = `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgROKCzBglKGnwCuwW
TJImTOMBzRxli/fmuwU5NqJFMTShRANCAASTS5e5Sdoe6gGY6x1Pm73E+Lj/BYZw
ER2vRD2CJqzKICbtmNJExDI6iX4yZxRWzfr3fFt8bh/d53zYApd+isnN
-----END PRIVATE KEY-----
`;

const CERTIFICATE = `
-----BEGIN CERTIFICATE-----
MIIBtzCCAV2gAwIBAgIUYfmXzAAJh/nhAYnWgI4yxH2XE44wCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXYXNzZXQtZmV0Y2ggdGVzdCBzZXJ2ZXIwIBcNMjYxMTI1MDc0
NjEzWhgPMjEyNjExMDEwNzQ2MTNaMCIxIDAeBgNVBAMMF2Fzc2V0LWZldGNoIHRl
c3Qgc2VydmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEk0uXuUnaHuoBmOsd
T5u9xPi4/wWGcBEdr0Q9giasyiAm7ZjSRMQyOol+MmcUVs3693xbfG4f3ed82AKX
forJzaNvMG0wHQYDVR0OBBYEFK9mENYgMu1pUmdfwKnaydBrRIMOMB8GA1UdIwQY
MBaAFK9mENYgMu1pUmdfwKnaydBrRIMOMA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0R
BBMwEYcEfwAAAYIJbG9jYWxob3N0MAoGCCqGSM49BAMCA0gAMEUCID46LwuD35HH
EbBPvMnvlgOTktv1W2mjnJnHhPG559KgAiEA0UrPgLbsNcS+crsfzQi2z2SX+yzq
AQaEfelNY3fyDTA=
-----END CERTIFICATE-----
`;

export interface UntrustedHttpsServer {
  /** "https://127.0.0.1:<port>" */
  readonly origin: string;
  readonly port: number;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Answers every GET with `body`. */
export async function startUntrustedHttpsServer(body: Buffer): Promise<UntrustedHttpsServer> {
  const requests: string[] = [];
  const server = https.createServer({ key: KEY, cert: CERTIFICATE }, (req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
