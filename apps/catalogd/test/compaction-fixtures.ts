import type { App } from '@lakehouse/shared'
import type { CommitRequest, DataFile, Manifest, SchemaField } from '@lakehouse/shared/clients/catalog.ts'
import type { CompactResult } from '@lakehouse/shared/contracts/catalog.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import type { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'
import { sampleValue } from '@lakehouse/shared/testing/metrics-text.ts'
import { buildApp, type CatalogdDeps } from '../src/app.ts'
import type { ParquetLab } from './parquet-lab.ts'

// The compaction tests' catalogd: buildApp over the in-memory storage with real Parquet files, a
// gate to hold a pass between its upload and its commit, and the commits an ingest would send.

export const OLD_SCHEMA: SchemaField[] = [
  { name: 'id', type: 'INTEGER', nullable: false },
  { name: 'city', type: 'VARCHAR', nullable: true },
]

/** The schema after an append widened id and added rate: the files of one dataset differ. */
export const NEW_SCHEMA: SchemaField[] = [
  { name: 'id', type: 'BIGINT', nullable: false },
  { name: 'city', type: 'VARCHAR', nullable: true },
  { name: 'rate', type: 'DOUBLE', nullable: true },
]

export const ROWS_PER_FILE = 50

/** The rows of the n-th small file: ids n*50 .. n*50+count-1, the first file in the old schema. */
export function rowsOf(n: number, schema: 'old' | 'new' = n === 0 ? 'old' : 'new', count = ROWS_PER_FILE): string {
  const id = `(${n * ROWS_PER_FILE} + range)`
  if (schema === 'old') return `SELECT ${id}::INTEGER AS id, 'city' || (range % 7) AS city FROM range(${count})`
  return `SELECT ${id}::BIGINT AS id, 'city' || (range % 7) AS city, (${id} * 1.5)::DOUBLE AS rate FROM range(${count})`
}

/** A gate a pass waits at: `reached` resolves when a pass arrives, `open()` lets every pass on. */
export class Gate {
  arrivals = 0
  active = 0
  maxActive = 0
  #open: (() => void) | undefined
  #opened = new Promise<void>((resolve) => {
    this.#open = resolve
  })
  #arrived: Array<() => void> = []

  readonly hold = async (): Promise<void> => {
    this.arrivals++
    this.active++
    this.maxActive = Math.max(this.maxActive, this.active)
    for (const notify of this.#arrived.splice(0)) notify()
    await this.#opened
    this.active--
  }

  /** Resolves once `count` passes in all have reached the gate. */
  reached(count = 1): Promise<void> {
    if (this.arrivals >= count) return Promise.resolve()
    return new Promise((resolve) => this.#arrived.push(() => resolve(this.reached(count))))
  }

  open(): void {
    this.#open?.()
  }
}

export interface Catalogd {
  app: App
  commit(name: string, request: CommitRequest): Promise<Manifest>
  compact(name: string): Promise<{ status: number; body: CompactResult & { error?: { code: string } } }>
  manifest(name: string, version?: number): Promise<Manifest>
  /** The value of a catalogd metric, summed over the samples with these labels. */
  metric(name: string, ...labels: string[]): Promise<number>
  dataDir: string
  close(): Promise<void>
}

export function startCatalogd(
  storage: MemoryStorage,
  catalog: Record<string, unknown> = {},
  extra: Partial<CatalogdDeps> = {},
): Catalogd {
  const config = testConfig({ catalog: { compaction_auto: false, ...catalog } })
  const app = buildApp({ config, storage, ...extra })
  return {
    app,
    async commit(name, request) {
      const res = await app.inject({ method: 'POST', url: `/v1/catalog/datasets/${name}/commits`, payload: request })
      if (res.statusCode !== 201) throw new Error(`commit answered ${res.statusCode}: ${res.body}`)
      return res.json()
    },
    async compact(name) {
      const res = await app.inject({ method: 'POST', url: `/v1/catalog/datasets/${name}/compact`, payload: {} })
      return { status: res.statusCode, body: res.json() }
    },
    async manifest(name, version) {
      const query = version === undefined ? '' : `?version=${version}`
      const res = await app.inject({ method: 'GET', url: `/v1/catalog/datasets/${name}${query}` })
      if (res.statusCode !== 200) throw new Error(`manifest answered ${res.statusCode}: ${res.body}`)
      return res.json()
    },
    async metric(name, ...labels) {
      const res = await app.inject({ method: 'GET', url: '/metrics' })
      return sampleValue(res.body, name, ...labels)
    },
    dataDir: config.paths.data_dir,
    async close() {
      await app.close()
      config.cleanup()
    },
  }
}

/** Creates `name` from file 0 (old schema) and appends files 1..count-1 (new schema), one commit each. */
export async function smallAppends(
  lab: ParquetLab,
  storage: MemoryStorage,
  catalogd: Catalogd,
  name: string,
  count: number,
): Promise<DataFile[]> {
  const files: DataFile[] = []
  for (let n = 0; n < count; n++) {
    const file = await lab.seed(storage, name, `f${String(n).padStart(4, '0')}`, rowsOf(n))
    const operation = n === 0 ? 'create' : 'append'
    await catalogd.commit(name, { operation, schema: n === 0 ? OLD_SCHEMA : NEW_SCHEMA, files: [file] })
    files.push(file)
  }
  return files
}
