import { ExampleRandom } from './random';

/**
 * Short product, restaurant and film reviews labelled positive or negative, written from templates and word
 * lists. Plain keyword counting is not enough: some reviews negate a word of the other polarity ("not bad at
 * all"), some contrast two clauses where the one after "but" decides, and a few labels are flipped, as human
 * annotators flip them. A bag of words gets most of it; word pairs or a sequence model get more.
 */

export type Sentiment = 'positive' | 'negative';
export const SENTIMENT_LABELS: readonly Sentiment[] = ['negative', 'positive'];

/** Share of labels flipped: the noise a real annotated set has. */
const LABEL_NOISE = 0.04;

const SUBJECTS = [
  'the battery',
  'the screen',
  'the camera',
  'this phone',
  'the laptop',
  'the headphones',
  'the app',
  'the delivery',
  'customer support',
  'the packaging',
  'the food',
  'the service',
  'the staff',
  'the waiter',
  'the dessert',
  'the pasta',
  'the coffee',
  'the room',
  'the hotel',
  'the plot',
  'the acting',
  'the soundtrack',
  'the ending',
  'the film',
  'the price',
  'the checkout',
];

const ADJECTIVES: Record<Sentiment, string[]> = {
  positive: [
    'great',
    'excellent',
    'wonderful',
    'fantastic',
    'reliable',
    'delicious',
    'friendly',
    'impressive',
    'smooth',
    'comfortable',
    'brilliant',
    'superb',
    'helpful',
    'fast',
    'solid',
    'enjoyable',
    'good',
    'lovely',
  ],
  negative: [
    'terrible',
    'awful',
    'disappointing',
    'slow',
    'rude',
    'broken',
    'boring',
    'bland',
    'noisy',
    'unreliable',
    'poor',
    'useless',
    'overpriced',
    'confusing',
    'buggy',
    'bad',
    'mediocre',
    'frustrating',
  ],
};

const VERBS: Record<Sentiment, string[]> = {
  positive: ['loved', 'enjoyed', 'liked', 'appreciated', 'was happy with', 'was impressed by'],
  negative: ['hated', 'regretted choosing', 'disliked', 'was annoyed by', 'gave up on', 'was let down by'],
};

const INTENSIFIERS = ['', '', '', 'really ', 'very ', 'quite ', 'extremely ', 'pretty ', 'truly '];
const OPENERS = ['', '', '', 'Honestly, ', 'Overall, ', 'To be fair, ', 'I have to say ', 'After a week, '];
const ENDINGS: Record<Sentiment, string[]> = {
  positive: ['.', '.', '.', '.', '.', '!', '...', '. Just my opinion.', '. Five stars.'],
  negative: ['.', '.', '.', '.', '.', '!', '...', '. Just my opinion.', '. One star.'],
};
const FILLERS = [
  'We went on a Tuesday.',
  'I bought it last month.',
  'It arrived on time.',
  'My sister recommended it.',
  'We were a group of four.',
  'I have used it every day since.',
  '',
  '',
  '',
];

const opposite = (label: Sentiment): Sentiment => (label === 'positive' ? 'negative' : 'positive');

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One review whose true sentiment is `label`. */
function review(rng: ExampleRandom, label: Sentiment): string {
  const subject = rng.pick(SUBJECTS);
  const adjective = (which: Sentiment) => rng.pick(ADJECTIVES[which]);
  const intensity = () => rng.pick(INTENSIFIERS);
  const ending = rng.pick(ENDINGS[label]);
  const template = rng.int(0, 7);
  let sentence: string;
  switch (template) {
    case 0:
    case 1:
      sentence = `${rng.pick(OPENERS)}${subject} was ${intensity()}${adjective(label)}${ending}`;
      break;
    case 2:
      // Negation of the other polarity: "not bad at all" is praise, "not great" is not.
      sentence = `${rng.pick(OPENERS)}${subject} was ${rng.pick(['not', 'not', 'never', 'far from'])} ${adjective(opposite(label))}${rng.pick(['', ' at all', ''])}${ending}`;
      break;
    case 3: {
      // Contrast: the clause after "but" carries the verdict.
      const other = rng.pick(SUBJECTS.filter((s) => s !== subject));
      sentence = `${capitalise(other)} was ${adjective(opposite(label))}, but ${subject} was ${intensity()}${adjective(label)}${ending}`;
      break;
    }
    case 4:
      sentence = `I ${rng.pick(VERBS[label])} ${subject}${ending}`;
      break;
    case 5:
      sentence =
        label === 'positive'
          ? `I would ${rng.pick(['definitely', 'happily', 'absolutely'])} recommend ${subject}${ending}`
          : `I would ${rng.pick(['never', 'not', 'hardly'])} recommend ${subject}${ending}`;
      break;
    case 6:
      sentence =
        label === 'positive'
          ? `${capitalise(subject)} did not ${rng.pick(['disappoint', 'let me down', 'fail me'])}${ending}`
          : `${capitalise(subject)} did not ${rng.pick(['live up to the hype', 'work as promised', 'meet my expectations'])}${ending}`;
      break;
    default:
      // Two clauses of the same polarity.
      sentence = `${capitalise(subject)} was ${adjective(label)} and ${rng.pick(SUBJECTS.filter((s) => s !== subject))} was ${intensity()}${adjective(label)}${ending}`;
  }
  const filler = rng.pick(FILLERS);
  const text = capitalise(sentence);
  if (!filler) return text;
  return rng.chance(0.5) ? `${filler} ${text}` : `${text} ${filler}`;
}

export interface SentimentLine {
  text: string;
  /** The sentiment the text was written with; `label` differs from it on the few noisy lines. */
  intended: Sentiment;
  label: Sentiment;
}

/**
 * `count` reviews for a seed, balanced in expectation, with no text repeated (a repeat could land on both
 * sides of the holdout split and flatter a memorising model).
 */
export function sentimentLines(seed: number, count: number): SentimentLine[] {
  const seen = new Set<string>();
  const lines: SentimentLine[] = [];
  for (let i = 0; i < count; i += 1) {
    const rng = new ExampleRandom(seed, `sentiment:${i}`);
    const intended: Sentiment = rng.chance(0.5) ? 'positive' : 'negative';
    let text = review(rng, intended);
    for (let tries = 0; seen.has(text) && tries < 100; tries += 1) text = review(rng, intended);
    // Past 100 tries the template space is exhausted; a numbered suffix keeps the text unique.
    if (seen.has(text)) text = `${text} (review ${i + 1})`;
    seen.add(text);
    const label = rng.chance(LABEL_NOISE) ? opposite(intended) : intended;
    lines.push({ text, intended, label });
  }
  return lines;
}

export function sentimentJsonl(seed: number, count: number): string {
  return sentimentLines(seed, count)
    .map((line) => `${JSON.stringify({ text: line.text, label: line.label })}\n`)
    .join('');
}
