/** Run lifecycle (issue 4 section 5): start, pause, resume, cancel, delete, crash recovery. */
export { RunManager, type RunManagerDeps } from './run-manager';
export { prepareRun, type PreparedRun } from './prepare';
