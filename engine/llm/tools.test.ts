import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  jsonModeInstructions,
  parseJsonModeAnswer,
  parseSingleToolCall,
  toOpenAITools,
  validateToolCall,
  type ToolSet,
} from './tools';

const tools: ToolSet = {
  write_file: {
    description: 'Write a file in the workspace.',
    args: z.object({
      file_path: z.string().describe('Path relative to the workspace'),
      content: z.string(),
      description: z.string().default(''),
    }),
  },
  run_tests: {
    description: 'Run pytest.',
    args: z.object({ test_file: z.string().default(''), timeout: z.number().int().positive().default(60) }),
  },
  mark_complete: { description: 'Finish the stage.', args: z.object({ summary: z.string() }) },
};

const call = (name: string, args: unknown, id: string | null = 'c1') => ({
  id,
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});

describe('toOpenAITools', () => {
  it('makes one function per tool with a JSON schema from zod', () => {
    const defs = toOpenAITools(tools);
    expect(defs.map((d) => d.function.name)).toEqual(['write_file', 'run_tests', 'mark_complete']);
    const write = defs[0]!.function;
    expect(write.description).toBe('Write a file in the workspace.');
    expect(write.parameters).toMatchObject({
      type: 'object',
      properties: {
        file_path: { type: 'string', description: 'Path relative to the workspace' },
        content: { type: 'string' },
      },
      required: ['file_path', 'content'],
    });
    expect(write.parameters).not.toHaveProperty('$schema');
  });
});

describe('validateToolCall', () => {
  it('accepts a valid call and applies defaults', () => {
    const r = validateToolCall(call('write_file', { file_path: 'a.py', content: 'x' }), tools);
    expect(r).toEqual({
      ok: true,
      value: { id: 'c1', name: 'write_file', args: { file_path: 'a.py', content: 'x', description: '' } },
    });
  });

  it('names an unknown tool and lists the known ones', () => {
    const r = validateToolCall(call('delete_everything', {}), tools);
    expect(r).toEqual({
      ok: false,
      error: 'unknown tool "delete_everything": use one of write_file, run_tests, mark_complete',
    });
  });

  it('does not treat Object.prototype names as tools', () => {
    expect(validateToolCall(call('constructor', {}), tools).ok).toBe(false);
  });

  it('reports arguments that are not JSON', () => {
    const r = validateToolCall(call('write_file', '{"file_path": "a.py", '), tools);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatch(/^write_file: the arguments are not valid JSON .*send one JSON object$/);
  });

  it('reports schema violations field by field, in words for the model', () => {
    const r = validateToolCall(call('write_file', { file_path: 42 }), tools);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain('write_file: file_path: expected text, got 42');
      expect(r.error).toContain('write_file: content: missing: this field is required');
    }
  });

  it('rejects arguments that are not an object', () => {
    const r = validateToolCall(call('mark_complete', '[1,2]'), tools);
    expect(r).toEqual({
      ok: false,
      error: 'mark_complete: the arguments must be a JSON object, got an array',
    });
  });

  it('treats empty arguments as an empty object', () => {
    expect(validateToolCall(call('run_tests', ''), tools)).toMatchObject({
      ok: true,
      value: { args: { test_file: '', timeout: 60 } },
    });
  });
});

describe('parseSingleToolCall', () => {
  it('requires exactly one call', () => {
    const none = parseSingleToolCall([], tools, 'I think we are done.');
    expect(none).toEqual({
      ok: false,
      error:
        'no tool call (you answered with text: "I think we are done."): call exactly one tool, one of write_file, run_tests, mark_complete',
    });
    const two = parseSingleToolCall(
      [call('run_tests', {}), call('mark_complete', { summary: 'x' }, 'c2')],
      tools,
    );
    expect(two).toEqual({
      ok: false,
      error: '2 tool calls (run_tests, mark_complete): call exactly one tool per turn',
    });
    expect(parseSingleToolCall([call('mark_complete', { summary: 'ok' })], tools)).toMatchObject({
      ok: true,
      value: { name: 'mark_complete', args: { summary: 'ok' } },
    });
  });
});

describe('parseJsonModeAnswer', () => {
  it('accepts the flat form, the call form and a fenced answer', () => {
    const flat = parseJsonModeAnswer('{"tool": "mark_complete", "args": {"summary": "done"}}', tools);
    expect(flat).toEqual({ ok: true, value: { id: null, name: 'mark_complete', args: { summary: 'done' } } });
    const wrapped = parseJsonModeAnswer('{"call": {"tool": "run_tests", "args": {"timeout": 5}}}', tools);
    expect(wrapped).toMatchObject({
      ok: true,
      value: { name: 'run_tests', args: { timeout: 5, test_file: '' } },
    });
    const fenced = parseJsonModeAnswer('```json\n{"tool": "run_tests"}\n```', tools);
    expect(fenced).toMatchObject({ ok: true, value: { name: 'run_tests' } });
  });

  it('explains what is wrong', () => {
    const notJson = parseJsonModeAnswer('Sure! Let me write the file.', tools);
    expect(notJson.ok).toBe(false);
    if (!notJson.ok)
      expect(notJson.error).toMatch(/^the answer is not valid JSON .*"tool": <one of write_file/);
    expect(parseJsonModeAnswer('{"args": {}}', tools)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^no "tool" name in the answer/),
    });
    expect(parseJsonModeAnswer('{"tool": "rm", "args": {}}', tools)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^unknown tool "rm"/),
    });
    expect(
      parseJsonModeAnswer('{"tool": "write_file", "args": {"file_path": 42, "content": "x"}}', tools),
    ).toEqual({
      ok: false,
      error: 'write_file: file_path: expected text, got 42',
    });
    expect(parseJsonModeAnswer('', tools)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^empty answer/),
    });
  });
});

describe('jsonModeInstructions', () => {
  it('states the answer format and every tool with its argument schema', () => {
    const text = jsonModeInstructions(tools);
    expect(text).toContain('{"tool": "<tool name>", "args": {<arguments>}}');
    expect(text).toContain('- mark_complete: Finish the stage.');
    expect(text).toContain('"required":["summary"]');
    expect(text.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(3);
  });
});
