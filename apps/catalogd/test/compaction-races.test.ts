import type { DataFile } from '@lakehouse/shared/clients/catalog.ts'
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
import { ParquetLab } from './parquet-lab.ts'

// Compaction against other writers (ADR-022): a pass is held between its upload and its commit
// while others commit. Appends that land meanwhile all survive (the compact rule re-applies on top
// of them); a replace or a rival compaction that took an input file away makes the pass give up,
// and its output is deleted, never referenced.

let lab: ParquetLab
let storage: MemoryStorage
let gate: Gate
let catalogd: Catalogd
const others: Catalogd[] = []

beforeAll(async () => {
  lab = await ParquetLab.open()
})
afterAll(() => lab.close())

beforeEach(() => {
  storage = new MemoryStorage()
  gate = new Gate()
  catalogd = startCatalogd(storage, {}, { beforeCompactionCommit: gate.hold })
})
afterEach(async () => {
  gate.open()
  await Promise.all([catalogd, ...others.splice(0)].map((c) => c.close()))
})

/** Another catalogd over the same storage: a replica, sharing nothing else. */
function replica(hold?: () => Promise<void>): Catalogd {
  const other = startCatalogd(storage, {}, hold ? { beforeCompactionCommit: hold } : {})
  others.push(other)
  return other
}

const rowsIn = (files: readonly DataFile[]) =>
  lab.query(storage, files, 'SELECT id, city, rate FROM $files ORDER BY id')
const dataKeys = (name: string) => storage.keys(`datasets/${name}/data/`)

async function appendSmall(writer: Catalogd, name: string, n: number): Promise<DataFile> {
  const file = await lab.seed(storage, name, `late${n}`, rowsOf(n))
  await writer.commit(name, { operation: 'append', schema: NEW_SCHEMA, files: [file] })
  return file
}

describe('compaction racing other writers', () => {
  it('appends committed while a pass is held between read and commit all survive it', async () => {
    const small = await smallAppends(lab, storage, catalogd, 'events', 6)
    const pass = catalogd.compact('events')
    await gate.reached()
    const late = [await appendSmall(catalogd, 'events', 6), await appendSmall(replica(), 'events', 7)]
    gate.open()
    const { status, body } = await pass
    expect(status).toBe(200)
    expect(body).toMatchObject({ compacted: true, files_removed: 6, files_added: 1 })
    const latest = await catalogd.manifest('events')
    expect(latest.files.slice(1)).toEqual(late)
    expect(latest.row_count).toBe(8 * ROWS_PER_FILE)
    expect(await rowsIn(latest.files)).toEqual(await rowsIn([...small, ...late]))
  })

  it('a loop of appends from two writers during a pass loses none of them', async () => {
    const small = await smallAppends(lab, storage, catalogd, 'events', 4)
    const late: DataFile[] = []
    // The pass commits only once the loop is under way, and the loop goes on while it commits.
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const racing = startCatalogd(storage, {}, { beforeCompactionCommit: () => held })
    others.push(racing)
    const writers = [catalogd, replica()]
    const loop = (async () => {
      for (let n = 4; n < 16; n++) {
        late.push(await appendSmall(writers[n % 2] as Catalogd, 'events', n))
        if (late.length === 3) release()
      }
    })()
    const [{ body }] = await Promise.all([racing.compact('events'), loop])
    expect(body.compacted).toBe(true)
    const latest = await catalogd.manifest('events')
    for (const file of late) expect(latest.files).toContainEqual(file)
    expect(latest.row_count).toBe(16 * ROWS_PER_FILE)
    expect(await rowsIn(latest.files)).toEqual(await rowsIn([...small, ...late]))
  })

  it('a replace committed while a pass is held makes it give up, 409 compaction_conflict, output deleted', async () => {
    const small = await smallAppends(lab, storage, catalogd, 'events', 5)
    const pass = catalogd.compact('events')
    await gate.reached()
    const fresh = await lab.seed(storage, 'events', 'fresh', rowsOf(40))
    const replaced = await catalogd.commit('events', { operation: 'replace', schema: NEW_SCHEMA, files: [fresh] })
    const keysBefore = dataKeys('events')
    gate.open()
    const { status, body } = await pass
    expect(status).toBe(409)
    expect(body.error?.code).toBe('compaction_conflict')
    expect(await catalogd.manifest('events')).toEqual(replaced)
    // the held pass's output was in storage while it waited; now it is gone
    const known = new Set([...small, fresh].map((f) => f.key))
    const output = keysBefore.filter((key) => !known.has(key))
    expect(output).toHaveLength(1)
    expect(dataKeys('events')).toEqual(keysBefore.filter((key) => key !== output[0]))
  })

  it('two replicas compacting at once: one commits, the other conflicts and drops its output', async () => {
    const small = await smallAppends(lab, storage, catalogd, 'events', 5)
    const rival = replica(gate.hold)
    const passes = Promise.all([catalogd.compact('events'), rival.compact('events')])
    await gate.reached(2)
    gate.open()
    const results = await passes
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    const loser = results.find((r) => r.status === 409)
    expect(loser?.body.error?.code).toBe('compaction_conflict')
    const latest = await catalogd.manifest('events')
    expect(latest.operation).toBe('compact')
    expect(latest.files).toHaveLength(1)
    const winner = latest.files[0] as DataFile
    // originals (still read by older versions) and the winner's file; nothing else
    expect(dataKeys('events')).toEqual([...small.map((f) => f.key), winner.key].sort())
    expect(await rowsIn(latest.files)).toEqual(await rowsIn(small))
  })
})
