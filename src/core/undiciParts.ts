// The parts of undici the engine loads only on demand: the proxy path (proxyDispatcher.ts) and
// ASSET_FETCH_HTTP_CLIENT=undici (http.ts). Direct downloads use the engine's own client (h1/).
// esbuild.js makes this file a bundle of its own, dist/undici.js, that the CLI and the worker
// require on first use: in their bundles these 0.5 MB were compiled at every start though most
// runs never call them (CPU profiles of a one-URL CLI run on Node 20, 6 each: the bundle's
// compile took 11-19 ms with them, 6-9 ms without).
import Agent from 'undici/lib/dispatcher/agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import Pool from 'undici/lib/dispatcher/pool.js';
import connect from 'undici/lib/api/api-connect.js';

export { Agent, ProxyAgent, Pool, connect };
