import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { trimConversation } from './context-trim';
import { checkProposal, hypothesisOf, similarity } from './proposal-text';
import { isBetter } from '../api/vocabulary';
import { fileList } from './prompts';
import { inferTag } from './tags';

describe('inferTag', () => {
  it.each([
    ['Stack a random forest and logistic regression with a voting classifier', 'ENSEMBLE'],
    ['Tune n_estimators=500 and max_depth=6', 'HYPERPARAM'],
    ['Add polynomial features of tenure and charges', 'FEATURE'],
    ['Oversample the minority class with SMOTE', 'DATA'],
    ['Replace LogisticRegression with a RandomForest', 'MODEL'],
    ['Something else entirely', null],
  ])('%s -> %s', (text, tag) => {
    expect(inferTag(text)).toBe(tag);
  });

  // A boosting model is one model (issue 8 section 6); combining several fitted models is an ensemble.
  it.each([
    [
      'Replace LogisticRegression with GradientBoostingClassifier(n_estimators=300, learning_rate=0.05)',
      'MODEL',
    ],
    ['Try a GradientBoostingClassifier on the same features', 'MODEL'],
    ['Switch to HistGradientBoostingClassifier, which handles the missing values natively', 'MODEL'],
    ['Use XGBoost (XGBClassifier) instead of the random forest', 'MODEL'],
    ['Train a LightGBM model (LGBMClassifier)', 'MODEL'],
    ['Gradient boosting with 300 trees', 'MODEL'],
    ['Fit sklearn.ensemble.GradientBoostingRegressor', 'MODEL'],
    ['Boosting: AdaBoostClassifier over shallow trees', 'MODEL'],
    [
      'HYPERPARAM change.\nHYPOTHESIS: Boosting with more trees and a lower learning rate generalises better.\nCHANGE: replace LogisticRegression with GradientBoostingClassifier(n_estimators=300, learning_rate=0.05).\nRATIONALE: nonlinear effects; an ensemble of trees.',
      'MODEL',
    ],
    ['Tune n_estimators=500 and max_depth=6 of the GradientBoostingClassifier', 'HYPERPARAM'],
    ['Combine the three models with a VotingClassifier (soft voting)', 'ENSEMBLE'],
    ['StackingClassifier over LightGBM and logistic regression with a ridge meta-learner', 'ENSEMBLE'],
    ['Average the predicted probabilities of XGBoost, LightGBM and CatBoost', 'ENSEMBLE'],
    ['Averaging several models: the random forest, the MLP and the SVC', 'ENSEMBLE'],
    ['Blend the gradient boosting and the neural network predictions 70/30', 'ENSEMBLE'],
    ['CHANGE: replace the voting ensemble with a single LightGBM model', 'MODEL'],
  ])('%s -> %s', (text, tag) => {
    expect(inferTag(text)).toBe(tag);
  });
});

describe('proposals', () => {
  const good =
    'HYPERPARAM change.\nHYPOTHESIS: Gradient boosting with 300 trees captures the contract x tenure interaction.\nCHANGE: replace LogisticRegression with GradientBoostingClassifier(n_estimators=300, learning_rate=0.05).\nRATIONALE: nonlinear effects.';

  it('reads the hypothesis line', () => {
    expect(hypothesisOf(good)).toBe(
      'Gradient boosting with 300 trees captures the contract x tenure interaction.',
    );
    expect(hypothesisOf('just one line of text')).toBe('just one line of text');
    expect(hypothesisOf('x'.repeat(300))).toHaveLength(120);
  });

  it('passes a specific new proposal', () => {
    expect(checkProposal(good, [{ step: 1, hypothesis: 'Add SMOTE oversampling of churners' }])).toEqual({
      ok: true,
    });
  });

  it('rejects empty and vague proposals with advice', () => {
    const empty = checkProposal('  ', []);
    expect(empty.ok).toBe(false);
    const vague = checkProposal('Improve the model.', []);
    expect(vague.ok).toBe(false);
    if (!vague.ok) expect(vague.feedback).toMatch(/too vague/);
  });

  it('rejects a duplicate of an earlier experiment, naming it', () => {
    const verdict = checkProposal(good, [
      { step: 2, hypothesis: 'Gradient boosting with 300 trees captures the contract x tenure interaction' },
    ]);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.feedback).toMatch(/repeats experiment 2/);
  });

  it('similarity is symmetric and 1 for the same words', () => {
    expect(similarity('add tenure bins', 'tenure bins added')).toBeCloseTo(
      similarity('tenure bins added', 'add tenure bins'),
    );
    expect(similarity('random forest 500 trees', 'random forest 500 trees')).toBe(1);
    expect(similarity('random forest', 'smote oversampling')).toBe(0);
  });
});

describe('isBetter', () => {
  it('is strict and direction-aware; anything beats no score', () => {
    expect(isBetter('higher', 0.8, 0.7)).toBe(true);
    expect(isBetter('higher', 0.7, 0.7)).toBe(false);
    expect(isBetter('lower', 0.3, 0.4)).toBe(true);
    expect(isBetter('lower', 0.4, 0.4)).toBe(false);
    expect(isBetter('higher', 0.1, null)).toBe(true);
    expect(isBetter('higher', Number.NaN, null)).toBe(false);
  });
});

describe('trimConversation', () => {
  const big = 'x'.repeat(10_000);
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: 'system prompt' },
    { role: 'user', content: 'the brief' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'a',
          type: 'function',
          function: { name: 'write_file', arguments: JSON.stringify({ file_path: 'a.py', content: big }) },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'a', content: big },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'b', type: 'function', function: { name: 'read_file', arguments: '{"file_path":"a.py"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'b', content: big },
  ];

  it('cuts the oldest results and call arguments to previews, keeping the brief and the latest exchange', () => {
    const out = trimConversation(messages, 15_000);
    expect(out[0]).toEqual(messages[0]);
    expect(out[1]).toEqual(messages[1]);
    expect(out[5]).toEqual(messages[5]);
    const tool = out[3] as { content: string };
    expect(tool.content.length).toBeLessThan(1000);
    expect(tool.content).toMatch(/original was 10000 chars/);
    const call = (out[2] as { tool_calls: { function: { arguments: string } }[] }).tool_calls[0]!;
    const args = JSON.parse(call.function.arguments) as { file_path: string; content: string };
    expect(args.file_path).toBe('a.py');
    expect(args.content).toMatch(/original was 10000 chars/);
    // the input is not changed
    expect((messages[3] as { content: string }).content).toHaveLength(10_000);
  });

  it('leaves a conversation under budget as it is', () => {
    expect(trimConversation(messages, 1_000_000)).toEqual(messages);
  });
});

describe('fileList (the workspace files in prompts)', () => {
  it("leaves out the engine's run reports, not even their names; the rest of reports/ is listed", () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-file-list-'));
    try {
      for (const rel of [
        'reports/report_20260101T000000Z.html',
        'reports/report_20260101T000000Z.pdf',
        'reports/figures/plot.png',
        'reports/notes.md',
        'src/reports/report_20260101T000000Z.html',
        'train.py',
      ]) {
        fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
        fs.writeFileSync(path.join(ws, rel), 'x');
      }
      expect(fileList(ws)).toBe(
        '# Workspace files\nreports/figures/plot.png\nreports/notes.md\n' +
          'src/reports/report_20260101T000000Z.html\ntrain.py',
      );
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
