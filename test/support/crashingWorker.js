// A stand-in for dist/worker.js that dies on its first message, to test crash handling.
const { parentPort } = require('node:worker_threads');
parentPort.on('message', () => process.exit(3));
