import { utilityProcess } from 'electron';
import { INTAKE_STDERR_TAIL, lowerIntakePriority, type IntakeLauncher } from '../../engine/service/index';

/**
 * The dataset intake's worker process in the desktop app: an Electron utility process. Node's
 * `child_process.fork` (the engine's default launcher) runs Electron's binary as Node through
 * ELECTRON_RUN_AS_NODE, which the packaged app's `runAsNode: false` fuse (electron-builder.yml) turns off: it
 * would start a second copy of the app, or throw (recent Electron), and no dataset could be previewed or taken
 * in for a run. `utilityProcess.fork` starts a Node process through Chromium's services instead, works from
 * inside app.asar, and is what Electron documents for this. The worker (engine/datasets/intake-worker.ts)
 * answers through `process.parentPort`; messages are structured-cloned, as with fork's advanced serialization.
 */

/** The name the process shows in `app.getAppMetrics()` and `child-process-gone` events. */
export const INTAKE_SERVICE_NAME = 'mle-beast dataset intake';

export const utilityIntakeLauncher: IntakeLauncher = (entry, events) => {
  // Only stderr is read (stdin cannot be anything but ignored in a utility process); stdout is not needed.
  const child = utilityProcess.fork(entry, [], {
    serviceName: INTAKE_SERVICE_NAME,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let exited = false;
  /** A kill asked before the process had spawned (no pid yet): done once it has. */
  let killOnSpawn = false;
  let killed = false;
  /** Ends it, once (the intake and the answer below may both ask). */
  const end = () => {
    if (exited || killed) return;
    if (child.pid === undefined) killOnSpawn = true;
    else {
      killed = true;
      child.kill();
    }
  };
  child.stderr?.on('data', (chunk: Buffer | string) => {
    stderr = (stderr + String(chunk)).slice(-INTAKE_STDERR_TAIL);
  });
  child.once('spawn', () => {
    // Below main's priority, as the engine's fork launcher does: main's loop gets a core first.
    lowerIntakePriority(child.pid);
    if (killOnSpawn) end();
  });
  child.on('message', (message: unknown) => {
    events.message(message);
    // One request, one answer: the worker has nothing left to do, and does not exit by itself (its exit right
    // after postMessage could lose the answer), so it is ended here. The intake waits for this exit.
    end();
  });
  child.on('error', (type: string, location: string) =>
    events.error(`it stopped on a ${type} (${location})`),
  );
  child.once('exit', (code: number) => {
    exited = true;
    // A utility process reports only its code: a kill reads as an exit code, not a signal.
    events.exit({ code, signal: null });
  });
  return {
    get pid() {
      return child.pid;
    },
    running: () => !exited,
    send: (request) => child.postMessage(request),
    kill: end,
    stderrTail: () => stderr,
  };
};
