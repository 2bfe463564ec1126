/**
 * The known name closest to a misspelt one, for "did you mean …?" hints, or undefined when
 * nothing is close. `EMAIL_HOST` and `email_host` find `emailHost` (same letters, other case).
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const squash = (s: string) => s.replace(/[_\-\s]/g, '').toLowerCase();
  const target = squash(name);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = levenshtein(target, squash(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Allow about one typo per four letters; beyond that a suggestion is noise.
  return bestDistance <= Math.max(2, Math.floor(target.length / 4)) ? best : undefined;
}

/** " Did you mean `x`?" or "" — ready to append to an error message. */
export function didYouMean(name: string, known: readonly string[]): string {
  const match = closestName(name, known);
  return match === undefined ? '' : ` Did you mean "${match}"?`;
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
