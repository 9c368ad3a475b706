// A dataset's versions are dense: version N+1 is written, create-only, only once N exists. So the
// highest version is found from one known to exist by galloping up and then bisecting: about
// 2·log2(distance) existence checks, whatever the length of the history (catalogd on a cold start,
// queryd learning a tombstone's version).

/**
 * The highest version for which `exists` holds, given that `known` exists (0: none known; version 0
 * is the empty state before version 1 and is never asked about).
 */
export async function highestDenseVersion(
  exists: (version: number) => Promise<boolean>,
  known: number,
): Promise<number> {
  let low = known
  let step = 1
  let high: number
  for (;;) {
    const probe = low + step
    if (!(await exists(probe))) {
      high = probe
      break
    }
    low = probe
    step *= 2
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (await exists(middle)) low = middle
    else high = middle
  }
  return low
}
