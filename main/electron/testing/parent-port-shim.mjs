// Plays Electron's utility process for a worker under test (utility-process.ts starts it with Node's fork, as
// `shim.mjs <worker> [args...]`): it gives the worker a `process.parentPort` over Node's IPC channel, as
// Electron's does (`{ data }` message events, queued until the worker listens; postMessage back) and takes
// `process.send` away, as a utility process has none. Then it loads the worker file.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';

const send = process.send.bind(process);
const port = new EventEmitter();
port.postMessage = (message) => send(message);
const queued = [];
const flush = () => {
  while (queued.length > 0 && port.listenerCount('message') > 0)
    port.emit('message', { data: queued.shift() });
};
port.on('newListener', (name) => {
  if (name === 'message') setImmediate(flush);
});
process.on('message', (data) => {
  queued.push(data);
  flush();
});
Object.defineProperty(process, 'parentPort', { value: port, enumerable: true });
process.send = undefined;
const [worker] = process.argv.splice(2, 1);
await import(pathToFileURL(worker).href);
