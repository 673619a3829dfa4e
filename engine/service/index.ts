/**
 * The service entry: what the hosts (main/electron, main/server, main/cli) may import of the engine besides
 * the contract (engine/api). The engine service itself (createEngine: the handlers of every contract command
 * and the event bus), and the two things only a terminal wants, which live in the host's process rather than
 * behind a command: `sandbox exec` (a command's output streamed with backpressure) and the demo's scripted
 * model. ESLint (eslint.config.js) keeps main/** and preload/** to this, engine/api and engine/version.
 * It loads SQLite, Docker's client and execa: hosts that care about start-up time import it lazily.
 */
export { createEngine, type Engine, type EngineOptions } from './engine';
export { EventBus } from '../api/event-bus';
export { execInSandbox, type SandboxExecOutcome, type SandboxExecRequest } from './sandbox-exec';
export { startDemoModel, type DemoModel } from './demo';
export type { IntakeLauncher, IntakeWorker, IntakeWorkerEvents, IntakeWorkerExit } from '../datasets';
// What every intake launcher shares, the desktop's utility-process one included.
export { INTAKE_STDERR_TAIL, lowerIntakePriority } from '../datasets';
export { createSecretFileStore, createUserFileSecretStore, type SecretCodec } from './secret-file';
