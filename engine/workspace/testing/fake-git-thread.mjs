// A git thread that dies on its first call (git-off-loop.test.ts): what a crash of the real one looks like.
import { parentPort } from 'node:worker_threads';

parentPort.once('message', () => process.exit(7));
