/**
 * Plain scores for comparing labels and arrays. Labels are small non-negative integers
 * (0, 1, ... classCount-1), as the classifier's `predict` returns them.
 */
import { InputError } from '../input-error.js';

function requireSameLength(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new InputError(`${what}: the two arrays have lengths ${a.length} and ${b.length}; expected equal lengths`);
  }
}

function requireNonEmpty(what: string, a: ArrayLike<number>): void {
  if (a.length === 0) throw new InputError(`${what}: the arrays are empty; expected at least one value`);
}

function requireLabel(what: string, value: number, classCount: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= classCount) {
    throw new InputError(`${what}: label ${value} is not an integer in 0..${classCount - 1}`);
  }
}

/** Fraction of positions where the predicted label equals the true one. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  requireSameLength('accuracy', yTrue, yPred);
  requireNonEmpty('accuracy', yTrue);
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}

/** More classes than any classification here could mean: a label beyond it is a mistake, not a class. */
const MAX_CLASSES = 65536;

/**
 * Number of classes implied by the labels: one more than the largest label (at least 2).
 * Every label is checked first, so a NaN or a huge value is an error, not a huge allocation.
 */
function impliedClassCount(what: string, ...labelArrays: ArrayLike<number>[]): number {
  let largest = 1;
  for (const labels of labelArrays) {
    for (let i = 0; i < labels.length; i++) {
      requireLabel(what, labels[i]!, MAX_CLASSES);
      largest = Math.max(largest, labels[i]!);
    }
  }
  return largest + 1;
}

/**
 * Confusion matrix: entry [t][p] counts the samples whose true label is t and whose
 * predicted label is p (rows true, columns predicted, as scikit-learn prints it).
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  classCount: number = impliedClassCount('confusionMatrix', yTrue, yPred),
): number[][] {
  requireSameLength('confusionMatrix', yTrue, yPred);
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = yPred[i]!;
    requireLabel('confusionMatrix (true)', t, classCount);
    requireLabel('confusionMatrix (predicted)', p, classCount);
    matrix[t]![p]!++;
  }
  return matrix;
}

/** How many samples carry each label: counts[k] = #{i : labels[i] = k}. */
export function classCounts(labels: ArrayLike<number>, classCount: number = impliedClassCount('classCounts', labels)): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < labels.length; i++) {
    requireLabel('classCounts', labels[i]!, classCount);
    counts[labels[i]!]!++;
  }
  return counts;
}

/** Mean of (a_i - b_i)^2 over all positions, as Keras's 'mse' loss over a flattened batch. */
export function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  requireSameLength('meanSquaredError', a, b);
  requireNonEmpty('meanSquaredError', a);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return sum / a.length;
}

/**
 * Largest |a_i - b_i|. A NaN anywhere gives NaN, so a broken computation can never
 * pass a "difference below 1e-5" check.
 */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  requireSameLength('maxAbsDifference', a, b);
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return NaN;
    if (d > largest) largest = d;
  }
  return largest;
}

/** The middle value (the mean of the two middle ones for an even count), as numpy's median. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
