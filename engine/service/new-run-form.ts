import type { CommandHandlers } from '../api/dispatch';
import { exportProjectYaml, importProjectYaml } from '../config/project-form';
import { previewDataset } from '../datasets/preview';
import { checkForm } from '../runs/form-check';
import type { PrepareDeps } from '../runs/prepare';
import type { IntakeLauncher } from '../datasets';
import { inspectWorkspaceFolder } from '../workspace/folder-state';

type FormCommands =
  'datasets.inspect' | 'workspace.inspect' | 'project.validate' | 'project.import' | 'project.export';

/** The handlers of the New run form's commands; each is a thin call into the engine layer that owns the work. */
export function newRunFormHandlers(deps: {
  prepareDeps: () => PrepareDeps;
  /** How the dataset preview's worker process is started (the host's; default Node's fork). */
  intakeLauncher?: IntakeLauncher;
}): Pick<CommandHandlers, FormCommands> {
  return {
    'datasets.inspect': (input) =>
      previewDataset(input.path, {
        ...(deps.intakeLauncher ? { intakeLauncher: deps.intakeLauncher } : {}),
        ...(input.cwd ? { cwd: input.cwd } : {}),
        ...(input.testPath !== undefined ? { testPath: input.testPath } : {}),
        ...(input.labelColumn !== undefined ? { labelColumn: input.labelColumn } : {}),
      }),
    'workspace.inspect': (input) => inspectWorkspaceFolder(input.path, input.cwd ? { cwd: input.cwd } : {}),
    'project.validate': (input) => checkForm(input.form, input.cwd ?? process.cwd(), deps.prepareDeps()),
    'project.import': async (input) => importProjectYaml(input.yaml, input.cwd ? { cwd: input.cwd } : {}),
    'project.export': async (input) => ({
      yaml: exportProjectYaml(input.form, input.cwd ? { cwd: input.cwd } : {}),
    }),
  };
}
