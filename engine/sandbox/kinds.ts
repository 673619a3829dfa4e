import type { SandboxChoice, SandboxKind } from './types';

/** The kind of sandbox a choice starts (`local-unisolated` is the local sandbox without an OS sandbox). */
export function sandboxKindOf(choice: SandboxChoice): SandboxKind {
  return choice === 'docker' ? 'docker' : 'local';
}
