import { describe, expect, it } from 'vitest';
import { filterModels } from './model-filter';

const model = (id: string, name: string | null = null) => ({
  id,
  name,
  inputPricePerMillion: null,
  outputPricePerMillion: null,
  contextLength: null,
  supportsTools: null,
});

describe('filterModels', () => {
  const models = [
    model('openai/gpt-4o-mini', 'GPT-4o mini'),
    model('deepseek/deepseek-v4-flash'),
    model('tiny'),
  ];

  it('keeps every model for an empty search', () => {
    expect(filterModels(models, '  ')).toHaveLength(3);
  });

  it('needs every word, in the id or the name, in any case', () => {
    expect(filterModels(models, 'GPT mini').map((m) => m.id)).toEqual(['openai/gpt-4o-mini']);
    expect(filterModels(models, 'flash deepseek').map((m) => m.id)).toEqual(['deepseek/deepseek-v4-flash']);
    expect(filterModels(models, 'gpt flash')).toEqual([]);
  });
});
