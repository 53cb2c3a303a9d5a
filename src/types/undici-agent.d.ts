// undici's index loads fetch, WebSocket, caches and more (about 50 ms at start-up); the engine
// only needs the Agent, which this file of the same package provides on its own (about 20 ms).
declare module 'undici/lib/dispatcher/agent.js' {
  import { Agent } from 'undici';
  export = Agent;
}
