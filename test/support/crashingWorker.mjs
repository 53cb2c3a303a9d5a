// A stand-in for dist/worker.js that dies on its first message, to test crash handling.
import { parentPort } from 'node:worker_threads';
parentPort.on('message', () => process.exit(3));
