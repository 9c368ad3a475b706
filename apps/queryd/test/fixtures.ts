import { createHash } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { NotFound } from '@lakehouse/shared'
import type { DatasetList, Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { manifestKey } from '@lakehouse/shared/contracts/catalog-layout.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { buildApp, type QuerydApp } from '../src/app.ts'
import type { ObjectSource } from '../src/parquet-cache.ts'

// Test parts for queryd: Parquet files written by a plain DuckDB into a temp folder, an object
// source that serves that folder as storaged would (etag = content hash; keys it is told to refuse
// fail as an unreachable object would), and a fake catalog whose datasets the test changes at
// will; like catalogd, it writes each version's commit object (manifestKey) into the folder before
// the commit returns, so queryd's freshness probe finds it there.

export async function writeParquet(root: string, key: string, selectSql: string): Promise<number> {
  const path = join(root, key)
  mkdirSync(dirname(path), { recursive: true })
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  try {
    await connection.run(`COPY (${selectSql}) TO '${path.replaceAll("'", "''")}' (FORMAT parquet)`)
    const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM (${selectSql})`)
    return reader.getRows()[0]?.[0] as number
  } finally {
    connection.closeSync()
    instance.closeSync()
  }
}

export interface FolderObjects extends ObjectSource {
  gets: string[]
  heads: string[]
  /** Keys whose GET fails as if storage could not serve them. */
  refused: Set<string>
  head(key: string): Promise<{ etag: string } | undefined>
}

export function folderObjects(root: string): FolderObjects {
  const gets: string[] = []
  const heads: string[] = []
  const refused = new Set<string>()
  return {
    gets,
    heads,
    refused,
    async head(key) {
      heads.push(key)
      return existsSync(join(root, key)) ? { etag: '"commit"' } : undefined
    },
    async getStream(key) {
      gets.push(key)
      if (refused.has(key)) throw new Error(`storage refuses ${key}`)
      const path = join(root, key)
      const bytes = readFileSync(path)
      const etag = `"${createHash('md5').update(bytes).digest('hex')}"`
      return { body: createReadStream(path), info: { etag, size: bytes.length } }
    },
  }
}

export class FakeCatalog {
  /** The catalog's generation, moved by every commit and drop. */
  current = 1
  datasets: Manifest[] = []
  /** Latest version of each name, tombstones included: versions are dense, as catalogd's are. */
  readonly versions = new Map<string, number>()
  /** Single-dataset manifest reads (GET /v1/catalog/datasets/:name). */
  gets = 0
  lists = 0
  readonly #root: string | undefined

  /** `root`: the folder that serves as storage, where commit objects are written. */
  constructor(root?: string) {
    this.#root = root
  }

  async getManifest(name: string): Promise<Manifest> {
    this.gets += 1
    const manifest = this.datasets.find((m) => m.name === name)
    if (!manifest) throw new NotFound(`dataset ${name} does not exist`)
    return structuredClone(manifest)
  }

  async listDatasets(): Promise<DatasetList> {
    this.lists += 1
    return structuredClone({ datasets: this.datasets, generation: this.current })
  }

  /** The next version of `name`, its commit object written before the commit returns. */
  #nextVersion(name: string): number {
    const version = (this.versions.get(name) ?? 0) + 1
    this.versions.set(name, version)
    if (this.#root) {
      const path = join(this.#root, manifestKey(name, version))
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, '{}')
    }
    this.current += 1
    return version
  }

  /** Replaces (or adds) a dataset at the next version and moves the generation. */
  commit(name: string, files: Array<{ key: string; rows: number }>, schema: Manifest['schema'] = []): Manifest {
    const previous = this.datasets.find((m) => m.name === name)
    const manifest: Manifest = {
      name,
      version: this.#nextVersion(name),
      operation: previous ? 'replace' : 'create',
      schema,
      files: files.map((f) => ({ ...f, bytes: 1 })),
      row_count: files.reduce((n, f) => n + f.rows, 0),
      bytes: files.length,
      created_at: new Date(0).toISOString(),
      committed_at: new Date().toISOString(),
    }
    this.datasets = [...this.datasets.filter((m) => m.name !== name), manifest]
    return manifest
  }

  /** Deletes a dataset: a tombstone version above its last one. */
  drop(name: string): void {
    if (!this.datasets.some((m) => m.name === name)) return
    this.datasets = this.datasets.filter((m) => m.name !== name)
    this.#nextVersion(name)
  }
}

export interface Harness {
  app: QuerydApp
  catalog: FakeCatalog
  objects: FolderObjects
  root: string
  dataDir: string
  close: () => Promise<void>
}

/** queryd over a fake catalog and a folder of Parquet files, with a `people` dataset of 5 rows. */
export async function startHarness(query: Record<string, unknown> = {}): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'lh-queryd-objects-'))
  const config = testConfig({ query })
  const catalog = new FakeCatalog(root)
  const objects = folderObjects(root)
  const rows = await writeParquet(
    root,
    'datasets/people/data/01.parquet',
    `SELECT * FROM (VALUES (1, 'Ada', 'Paris'), (2, 'Bo', 'Lyon'), (3, 'Cy', 'Paris'), (4, 'Di', 'Nice'), (5, 'Ed', 'Paris')) t(id, name, city)`,
  )
  catalog.commit('people', [{ key: 'datasets/people/data/01.parquet', rows }])
  const app = await buildApp({ config, catalog, objects })
  return {
    app,
    catalog,
    objects,
    root,
    dataDir: config.paths.data_dir,
    close: async () => {
      await app.close()
      config.cleanup()
      rmSync(root, { recursive: true, force: true })
    },
  }
}

export async function sql(app: QuerydApp, body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/query/sql', payload: body })
}
