import type { DataFile, Manifest } from '@lakehouse/shared/contracts/catalog.ts'

// Which files a compaction pass rewrites (ADR-022). Pure, so the rule is tested on its own.
// A file under half the target is small: any two of them fit in one target-sized file, so merging
// them always helps; a file at half the target or above is left alone, so files that compaction
// wrote near the target are not rewritten again and again.

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

/** Whether a commit that left `manifest` should start a pass in the background. */
export function isCompactionDue(manifest: Manifest, limits: CompactionLimits): boolean {
  return !manifest.deleted && smallFiles(manifest, limits.targetBytes).length > limits.minFiles
}

export type PassPlan = { files: DataFile[] } | { files?: undefined; reason: string }

/**
 * The small files of one pass, oldest first (manifest order), up to PASS_TARGETS targets of bytes;
 * the rest wait for the next pass, which the pass's own commit schedules when still due.
 */
export function planPass(manifest: Manifest, targetBytes: number): PassPlan {
  const small = smallFiles(manifest, targetBytes)
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
