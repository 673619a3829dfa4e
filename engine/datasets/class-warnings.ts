import { plural, quote, warning } from './issues';
import type { DatasetIssue, DatasetSummary } from './schemas';

/** Shared by every kind: the class balance problems worth a word before a run starts. */
export function classWarnings(summary: DatasetSummary): DatasetIssue[] {
  const classes = summary.classes;
  if (!classes) return [];
  const issues: DatasetIssue[] = [];
  if (classes.length < 2) {
    issues.push(
      warning(
        'single_class',
        `every example has the label ${quote(classes[0]?.label ?? '')}: a classifier needs at least two classes to learn anything.`,
      ),
    );
  }
  const largest = classes[0]?.count ?? 0;
  const smallest = classes[classes.length - 1];
  if (smallest && classes.length >= 2 && largest >= 20 * smallest.count) {
    issues.push(
      warning(
        'imbalanced',
        `classes are imbalanced: ${quote(classes[0]?.label ?? '')} has ${largest.toLocaleString('en-US')} examples, ${quote(smallest.label)} ${smallest.count.toLocaleString('en-US')}. Accuracy will flatter a model that ignores the rare class; balanced accuracy or macro F1 will not.`,
      ),
    );
  }
  if (classes.length > 1000) {
    issues.push(
      warning(
        'many_classes',
        `${plural(classes.length, 'class', 'classes')}: check that the label column is right.`,
      ),
    );
  }
  return issues;
}
