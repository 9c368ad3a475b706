import type { DataFile, Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { describe, expect, it } from 'vitest'
import { dueTier, isCompactionDue, planPass } from '../src/compaction/plan.ts'

// Automatic compaction merges files of one size tier (ADR-022, amended after the 30-minute soak):
// a dataset under half the target must not be rewritten whole every minFiles appends, or the bytes
// written grow with the square of the appends. Simulated with the plan's own rules: a pass writes
// one file as large as its inputs.

const LIMITS = { targetBytes: 128 * 1024 * 1024, minFiles: 32 }
const APPEND_BYTES = 3_000

function manifestOf(files: DataFile[]): Manifest {
  const rows = files.reduce((n, f) => n + f.rows, 0)
  const bytes = files.reduce((n, f) => n + f.bytes, 0)
  return {
    name: 'soak',
    version: 1,
    operation: 'append',
    schema: [],
    files,
    row_count: rows,
    bytes,
    created_at: '2026-11-26T00:00:00Z',
    committed_at: '2026-11-26T00:00:00Z',
  }
}

const file = (id: number, bytes: number): DataFile => ({ key: `datasets/soak/data/${id}.parquet`, rows: 1, bytes })

/** Appends `count` small files, running every automatic pass that falls due; bytes rewritten. */
function simulate(count: number): { rewritten: number; files: number } {
  let files: DataFile[] = []
  let rewritten = 0
  let next = 0
  for (let i = 0; i < count; i++) {
    files = [...files, file(next++, APPEND_BYTES)]
    for (let manifest = manifestOf(files); isCompactionDue(manifest, LIMITS); manifest = manifestOf(files)) {
      const plan = planPass(manifest, LIMITS.targetBytes, dueTier(manifest, LIMITS))
      if (!plan.files) break
      const merged = plan.files.reduce((n, f) => n + f.bytes, 0)
      const taken = new Set(plan.files.map((f) => f.key))
      files = [...files.filter((f) => !taken.has(f.key)), file(next++, merged)]
      rewritten += merged
    }
  }
  return { rewritten, files: files.length }
}

describe('automatic compaction merges by size tier', () => {
  it('leaves a compacted file out of the next pass over fresh small files', () => {
    const compacted = file(0, 500_000)
    const fresh = Array.from({ length: LIMITS.minFiles + 1 }, (_, i) => file(i + 1, APPEND_BYTES))
    const due = dueTier(manifestOf([compacted, ...fresh]), LIMITS)
    expect(due?.map((f) => f.key)).toEqual(fresh.map((f) => f.key))
  })

  it('rewrites each appended byte a few times, not once per pass', () => {
    const appends = 5_000
    const { rewritten, files } = simulate(appends)
    // Tiers of 8×: 3 KB → ~100 KB → ~3 MB → ~100 MB; each byte climbs at most 3 tiers.
    expect(rewritten).toBeLessThanOrEqual(4 * appends * APPEND_BYTES)
    expect(files).toBeLessThanOrEqual(4 * (LIMITS.minFiles + 1))
  })
})
