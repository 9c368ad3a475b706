import type { DataFile, Manifest } from '@lakehouse/shared/contracts/catalog.ts'

// Which files a compaction pass rewrites (ADR-022). Pure, so the rule is tested on its own.
// A file under half the target is small: any two of them fit in one target-sized file, so merging
// them always helps; a file at half the target or above is left alone, so files that compaction
// wrote near the target are not rewritten again and again.
// Automatic passes merge by size tier (files within a factor of TIER_FACTOR of each other): a
// dataset smaller than half the target would otherwise be rewritten whole every minFiles appends,
// which writes the dataset again per pass (bytes written grow with the square of the appends until
// vacuum; the 30-minute soak wrote 6.6 GB of data files for ~150 MB of rows). With tiers, a row is
// rewritten once per tier it climbs: log(target / append size) times.

export interface CompactionLimits {
  targetBytes: number
  /** Automatic passes start only above this many small files; a pass on demand needs two. */
  minFiles: number
}

/** One pass reads at most this many targets' worth of input: it bounds the temp folder and the pass's time. */
export const PASS_TARGETS = 4

export function isSmall(file: DataFile, targetBytes: number): boolean {
  return file.bytes < targetBytes / 2
}

export function smallFiles(manifest: Manifest, targetBytes: number): DataFile[] {
  return manifest.files.filter((file) => isSmall(file, targetBytes))
}

/** Files under TIER_BASE bytes are tier 0; each tier above holds files TIER_FACTOR times larger. */
const TIER_BASE = 64 * 1024
const TIER_FACTOR = 8

export function tierOf(file: DataFile): number {
  return file.bytes < TIER_BASE ? 0 : 1 + Math.floor(Math.log(file.bytes / TIER_BASE) / Math.log(TIER_FACTOR))
}

/** The small files of the lowest tier holding more than minFiles of them (manifest order), if any. */
export function dueTier(manifest: Manifest, limits: CompactionLimits): DataFile[] | undefined {
  if (manifest.deleted) return undefined
  const tiers = new Map<number, DataFile[]>()
  for (const file of smallFiles(manifest, limits.targetBytes)) {
    const tier = tierOf(file)
    tiers.set(tier, [...(tiers.get(tier) ?? []), file])
  }
  const due = [...tiers.entries()].filter(([, files]) => files.length > limits.minFiles).sort(([a], [b]) => a - b)
  return due[0]?.[1]
}

/** Whether a commit that left `manifest` should start a pass in the background. */
export function isCompactionDue(manifest: Manifest, limits: CompactionLimits): boolean {
  return dueTier(manifest, limits) !== undefined
}

export type PassPlan = { files: DataFile[] } | { files?: undefined; reason: string }

/**
 * The small files of one pass, oldest first (manifest order), up to PASS_TARGETS targets of bytes;
 * the rest wait for the next pass, which the pass's own commit schedules when still due. An
 * automatic pass passes its due tier as `candidates`; a pass on demand takes every small file.
 */
export function planPass(manifest: Manifest, targetBytes: number, candidates?: DataFile[]): PassPlan {
  const small = candidates ?? smallFiles(manifest, targetBytes)
  if (small.length < 2) {
    return { reason: `${small.length} small file(s) under ${Math.floor(targetBytes / 2)} bytes: nothing to compact` }
  }
  const budget = targetBytes * PASS_TARGETS
  const files: DataFile[] = []
  let bytes = 0
  for (const file of small) {
    if (files.length >= 2 && bytes + file.bytes > budget) break
    files.push(file)
    bytes += file.bytes
  }
  return { files }
}
