/**
 * Reading a proposal: the hypothesis line the journal and the commit message use, and the checks of the
 * proposal critic (a vague idea, or one the run has already tried).
 */

const HYPOTHESIS_LINE = /^\s*(?:\*\*)?hypothesis(?:\*\*)?\s*[:\-–]\s*(.+)$/im;

/** The HYPOTHESIS line when there is one, else the first sentence; one line, at most 120 characters. */
export function hypothesisOf(proposal: string): string {
  const line = HYPOTHESIS_LINE.exec(proposal)?.[1] ?? proposal;
  const flat = line.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

const STOP_WORDS = new Set(
  'a an the to of and or in on for with by from use using try trying model data more better improve improving the this that it is be as at'.split(
    ' ',
  ),
);

/** The content words of a text, lower-cased and lightly stemmed. */
function words(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.toLowerCase().match(/[a-z0-9_.=]+/g) ?? []) {
    const w = raw.replace(/^\.+|\.+$/g, '').replace(/(ing|ed|es|s)$/, '');
    if (w.length > 1 && !STOP_WORDS.has(raw)) out.add(w);
  }
  return out;
}

/** Jaccard similarity of the content words of two texts (0..1). */
export function similarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const w of x) if (y.has(w)) common += 1;
  return common / (x.size + y.size - common);
}

export type ProposalVerdict = { ok: true } | { ok: false; feedback: string };

/** Two hypotheses this alike count as the same experiment. */
export const DUPLICATE_SIMILARITY = 0.8;

/**
 * Procedural proposal critic: rejects an empty or vague proposal (too short, no concrete change) and one
 * that repeats an earlier experiment's hypothesis. `earlier` are the hypotheses already tried.
 */
export function checkProposal(
  proposal: string,
  earlier: readonly { step: number; hypothesis: string }[],
): ProposalVerdict {
  const text = proposal.trim();
  if (text.length === 0) {
    return {
      ok: false,
      feedback: 'The proposal is empty. Call mark_complete with HYPOTHESIS, CHANGE and RATIONALE.',
    };
  }
  const content = words(text);
  if (text.length < 40 || content.size < 6) {
    return {
      ok: false,
      feedback:
        'The proposal is too vague to implement. Name one concrete change (which model, feature, parameter and value), e.g. "Replace LogisticRegression with GradientBoostingClassifier(n_estimators=300, learning_rate=0.05)", with HYPOTHESIS, CHANGE and RATIONALE lines.',
    };
  }
  const hypothesis = hypothesisOf(text);
  for (const e of earlier) {
    if (similarity(hypothesis, e.hypothesis) >= DUPLICATE_SIMILARITY) {
      return {
        ok: false,
        feedback: `This repeats experiment ${e.step} ("${e.hypothesis}"). Propose a different change: read research_log.md for what was tried and how it scored.`,
      };
    }
  }
  return { ok: true };
}
