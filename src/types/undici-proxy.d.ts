// The proxy path (src/core/proxyDispatcher.ts) takes these files of undici one by one, on demand,
// for the same reason as undici-agent.d.ts: the package index would add about 40 ms.
declare module 'undici/lib/dispatcher/dispatcher.js' {
  import { Dispatcher } from 'undici';
  export = Dispatcher;
}
declare module 'undici/lib/dispatcher/proxy-agent.js' {
  import { ProxyAgent } from 'undici';
  export = ProxyAgent;
}
declare module 'undici/lib/dispatcher/pool.js' {
  import { Pool } from 'undici';
  export = Pool;
}
// Dispatcher#connect (an HTTP CONNECT), which the package index mixes into every dispatcher.
declare module 'undici/lib/api/api-connect.js' {
  import { Dispatcher } from 'undici';
  const connect: Dispatcher['connect'];
  export = connect;
}
