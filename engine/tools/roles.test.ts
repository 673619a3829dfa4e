import { describe, expect, it } from 'vitest';
import { parseJsonModeAnswer, toOpenAITools, validateToolCall } from '../llm/tools';
import { ROLE_CALL_UNIONS, ROLE_TOOLS, roleCallUnion, toolsFor } from './roles';
import { TOOL_SPECS } from './schemas';

describe('role tool sets', () => {
  it('gives each role its tools, download_url only with the network', () => {
    expect(Object.keys(toolsFor('coding', { network: false }))).toEqual([
      'write_file',
      'read_file',
      'edit_file',
      'list_files',
      'create_directory',
      'run_shell_command',
      'run_python_file',
      'run_tests',
      'launch_training',
      'launch_evaluate',
      'mark_complete',
    ]);
    expect(Object.keys(toolsFor('coding', { network: true }))).toContain('download_url');
    expect(Object.keys(toolsFor('data_analysis', { network: true })).sort()).toEqual([
      'list_files',
      'mark_complete',
      'read_file',
      'run_python_file',
      'run_shell_command',
      'write_file',
    ]);
    expect(Object.keys(toolsFor('proposal', { network: true })).sort()).toEqual([
      'list_files',
      'mark_complete',
      'read_file',
      'run_shell_command',
    ]);
    expect(ROLE_TOOLS.proposal.write_file).toBeUndefined();
  });

  it('generates OpenAI function definitions with the defaults optional', () => {
    const defs = toOpenAITools(ROLE_TOOLS.coding);
    const training = defs.find((d) => d.function.name === 'launch_training')!;
    const params = training.function.parameters as {
      required?: string[];
      properties: Record<string, unknown>;
    };
    expect(params.required ?? []).toEqual([]);
    expect(Object.keys(params.properties)).toEqual(['script_path', 'args', 'log_file', 'timeout']);
    const write = defs.find((d) => d.function.name === 'write_file')!;
    expect((write.function.parameters as { required: string[] }).required).toEqual(['file_path', 'content']);
  });

  it('applies the original defaults and accepts numeric strings for timeouts', () => {
    const call = (name: string, args: object) =>
      validateToolCall({ id: '1', name, arguments: JSON.stringify(args) }, ROLE_TOOLS.coding);
    expect(call('run_shell_command', { command: 'ls' })).toEqual({
      ok: true,
      value: { id: '1', name: 'run_shell_command', args: { command: 'ls', timeout: 30 } },
    });
    expect(call('run_tests', { timeout: '90', verbose: 'false' })).toMatchObject({
      ok: true,
      value: { args: { test_file: '', verbose: false, timeout: 90 } },
    });
    expect(call('launch_evaluate', {})).toMatchObject({
      ok: true,
      value: { args: { script_path: 'evaluate.py', args: '', log_file: 'logs/eval.log', timeout: 300 } },
    });
    expect(call('list_files', {})).toMatchObject({ value: { args: { directory: '', pattern: '*' } } });
    expect(call('run_shell_command', { command: 'ls', timeout: 'soon' }).ok).toBe(false);
    expect(call('run_shell_command', { command: 'ls', timeout: -1 }).ok).toBe(false);
    expect(validateToolCall({ id: null, name: 'write_file', arguments: '{}' }, ROLE_TOOLS.proposal).ok).toBe(
      false,
    );
  });

  it('has one discriminated union per role, generated from the tool sets', () => {
    const coding = ROLE_CALL_UNIONS.coding;
    expect(coding.parse({ tool: 'write_file', args: { file_path: 'a', content: 'b' } })).toEqual({
      tool: 'write_file',
      args: { file_path: 'a', content: 'b', description: '' },
    });
    expect(coding.parse({ tool: 'launch_training' })).toMatchObject({ args: { script_path: 'train.py' } });
    expect(coding.safeParse({ tool: 'mark_complete' }).success).toBe(false);
    expect(
      ROLE_CALL_UNIONS.proposal.safeParse({ tool: 'write_file', args: { file_path: 'a', content: '' } })
        .success,
    ).toBe(false);
    expect(
      roleCallUnion('coding', { network: false }).safeParse({
        tool: 'download_url',
        args: { url: 'http://x', dest_path: 'y' },
      }).success,
    ).toBe(false);
    expect(ROLE_CALL_UNIONS.coding.options).toHaveLength(Object.keys(ROLE_TOOLS.coding).length);
    // The same answer through the llm module's JSON-object mode parser.
    expect(
      parseJsonModeAnswer('{"tool": "read_file", "args": {"file_path": "x"}}', ROLE_TOOLS.proposal),
    ).toMatchObject({
      ok: true,
      value: { name: 'read_file', args: { file_path: 'x', offset: 0 } },
    });
  });

  it('describes every tool and says where paths are relative to', () => {
    for (const [name, spec] of Object.entries(TOOL_SPECS)) {
      expect(spec.description.length, name).toBeGreaterThan(30);
    }
    expect(TOOL_SPECS.read_file.description).toMatch(/workspace root/);
    expect(TOOL_SPECS.read_file.description).toMatch(/dataset/);
  });
});
