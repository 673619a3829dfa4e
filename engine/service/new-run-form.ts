import fs from 'node:fs';
import path from 'node:path';
import type { CommandHandlers } from '../api/dispatch';
import { EngineError } from '../api/errors';
import { ProjectForm } from '../api/project-form';
import { exportProjectYaml, importProjectYaml } from '../config/project-form';
import { previewDataset } from '../datasets/preview';
import { EXAMPLES, createExample, findExample } from '../examples';
import { checkForm } from '../runs/form-check';
import type { PrepareDeps } from '../runs/prepare';
import { inspectWorkspaceFolder } from '../workspace/folder-state';

type FormCommands =
  | 'datasets.inspect'
  | 'workspace.inspect'
  | 'project.validate'
  | 'project.import'
  | 'project.export'
  | 'examples.list'
  | 'examples.create';

/** The handlers of the New run form's commands; each is a thin call into the engine layer that owns the work. */
export function newRunFormHandlers(deps: {
  /** The engine's home: example datasets made without a folder go under <home>/examples. */
  home: string;
  prepareDeps: () => PrepareDeps;
}): Pick<CommandHandlers, FormCommands> {
  return {
    'datasets.inspect': (input) =>
      previewDataset(input.path, {
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
    'examples.list': async () => ({ examples: [...EXAMPLES] }),
    'examples.create': async (input) => {
      const dir = input.dir ?? freshFolder(path.join(deps.home, 'examples'), input.name);
      const created = await createExample(input.name, dir, {
        ...(input.seed !== undefined ? { seed: input.seed } : {}),
        ...(input.size !== undefined ? { size: input.size } : {}),
      });
      if (!created.ok) throw new EngineError(created.error.code, created.error.message);
      const info = findExample(created.value.name)!;
      return {
        name: info.name,
        dir: created.value.dir,
        dataPath: created.value.dataPath,
        text: created.value.text,
        form: ProjectForm.parse({
          name: `example-${info.name}`,
          dataset: created.value.dataPath,
          labelColumn: info.kind === 'tabular' ? info.labelColumn : '',
          task: info.taskText,
          metric: info.metric.name,
          target: String(info.metric.target),
        }),
      };
    },
  };
}

/** `<parent>/<name>`, or `<name>-2`, `-3`...: an example never goes into a folder that holds something. */
function freshFolder(parent: string, name: string): string {
  for (let n = 1; ; n++) {
    const dir = path.join(parent, n === 1 ? name : `${name}-${n}`);
    if (!fs.existsSync(dir)) return dir;
  }
}
