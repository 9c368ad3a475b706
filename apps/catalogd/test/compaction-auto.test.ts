import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { waitFor } from '@lakehouse/shared/testing/daemon-process.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  type Catalogd,
  Gate,
  NEW_SCHEMA,
  ROWS_PER_FILE,
  rowsOf,
  smallAppends,
  startCatalogd,
} from './compaction-fixtures.ts'
import { request, seedFiles } from './fixtures.ts'
import { ParquetLab } from './parquet-lab.ts'

// Automatic compaction (ADR-022): a commit that leaves more than catalog.compaction_min_files small
// files starts a pass in the background. One pass at a time per process; commits never wait for
// it and never fail because of it; a failed pass is logged and counted.

let lab: ParquetLab
let storage: MemoryStorage
let gate: Gate
let catalogd: Catalogd | undefined

beforeAll(async () => {
  lab = await ParquetLab.open()
})
afterAll(() => lab.close())

beforeEach(() => {
  storage = new MemoryStorage()
  gate = new Gate()
})
afterEach(async () => {
  gate.open()
  await catalogd?.close()
  catalogd = undefined
})

/** A catalogd with automatic compaction over 3 small files, closed after the test. */
function auto(extra: Record<string, unknown> = {}): Catalogd {
  catalogd = startCatalogd(
    storage,
    { compaction_auto: true, compaction_min_files: 3, ...extra },
    { beforeCompactionCommit: gate.hold },
  )
  return catalogd
}

describe('automatic compaction', () => {
  it('starts after more than compaction_min_files small files, one pass at a time, without holding commits', async () => {
    const c = auto()
    await smallAppends(lab, storage, c, 'events', 3)
    // A pass on demand queues behind the background checks: once it answers, they have run.
    await Promise.race([c.compact('nope'), gate.reached(1)])
    expect(gate.arrivals).toBe(0)
    const fourth = await lab.seed(storage, 'events', 'f0003', rowsOf(3))
    await c.commit('events', { operation: 'append', schema: NEW_SCHEMA, files: [fourth] })
    await gate.reached(1)
    // Held at its commit: more commits land at once, and queue one more check, not more passes.
    for (let n = 4; n < 7; n++) {
      const file = await lab.seed(storage, 'events', `f000${n}`, rowsOf(n))
      await c.commit('events', { operation: 'append', schema: NEW_SCHEMA, files: [file] })
    }
    expect(gate.arrivals).toBe(1)
    gate.open()
    // The queued check finds 1 compacted + 3 new small files (> 3) and runs a second pass.
    await waitFor(async () => (await c.manifest('events')).files.length === 1, 'the second pass')
    const latest = await c.manifest('events')
    expect(latest).toMatchObject({ version: 9, operation: 'compact', row_count: 7 * ROWS_PER_FILE })
    expect(gate.arrivals).toBe(2)
    expect(gate.maxActive).toBe(1)
    expect(await c.metric('catalog_compactions_total', 'outcome="compacted"')).toBe(2)
    expect(await c.metric('catalog_compaction_files_total', 'change="removed"')).toBe(8)
  })

  it('a pass that fails is counted and logged; the commits that triggered it stand', async () => {
    const c = auto({ compaction_min_files: 1 })
    // Not Parquet: DuckDB refuses them, so every pass on this dataset fails.
    const [a, b, d] = seedFiles(storage, 'broken', ['a', 'b', 'd'])
    await c.commit('broken', request('create', [a!]))
    await c.commit('broken', request('append', [b!]))
    await c.commit('broken', request('append', [d!]))
    await waitFor(async () => (await c.metric('catalog_compactions_total', 'outcome="failed"')) >= 1, 'a failed pass')
    expect((await c.manifest('broken')).files.map((f) => f.key)).toEqual([a!.key, b!.key, d!.key])
    expect(storage.keys('datasets/broken/data/')).toEqual([a!.key, b!.key, d!.key])
    expect(gate.arrivals).toBe(0)
    await c.app.close()
    // closing waited for the passes; none left a temp folder behind
    expect(await readdir(join(c.dataDir, 'tmp', 'compaction'))).toEqual([])
  })

  it('does nothing on its own when compaction_auto is false', async () => {
    const c = auto({ compaction_auto: false, compaction_min_files: 1 })
    await smallAppends(lab, storage, c, 'quiet', 4)
    await c.app.close()
    expect(gate.arrivals).toBe(0)
    expect(storage.keys('datasets/quiet/data/')).toHaveLength(4)
  })
})
