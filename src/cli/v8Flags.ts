// Imported first by the CLI, before undici compiles its HTTP parser (WebAssembly).
// Liftoff, V8's baseline wasm compiler, is enough for llhttp; skipping the optimising tier saves
// about 35 MB of peak memory and 70 ms of start-up. Process-wide, so the CLI only: never in the
// editor's extension host, where other extensions share the process.
import v8 from 'node:v8';

v8.setFlagsFromString('--liftoff-only');
