/**
 * @module
 * The Damerau-Levenshtein distance (optimal string alignment): how many insertions, deletions,
 * substitutions or swaps of two neighbours turn one string into another. Used to tell a mistyped
 * setting name from a foreign one (config/unknown-settings.ts).
 */

/**
 * The optimal-string-alignment distance between `a` and `b`, or `limit + 1` as soon as it is
 * known to be over `limit` (names are short; the limit keeps it cheap anyway).
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  // Three rows: two back (for swaps), one back, and the current one.
  let before = new Array<number>(b.length + 1).fill(0)
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2]! + 1)
      }
      current[j] = d
      rowMin = Math.min(rowMin, d)
    }
    if (rowMin > limit) return limit + 1
    before = previous
    previous = current
  }
  return previous[b.length]!
}
