import { createHash } from 'node:crypto'
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { DatasetList, Manifest } from '@lakehouse/shared/clients/catalog.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
import { buildApp, type QuerydApp } from '../src/app.ts'
import type { ObjectSource } from '../src/parquet-cache.ts'

// Test parts for queryd: Parquet files written by a plain DuckDB into a temp folder, an object
// source that serves that folder as storaged would (etag = content hash), and a fake catalog whose
// datasets and generation the test changes at will.

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

export function folderObjects(root: string): ObjectSource & { gets: string[] } {
  const gets: string[] = []
  return {
    gets,
    async getStream(key) {
      gets.push(key)
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
  calls = 0
  lists = 0

  async generation(): Promise<number> {
    this.calls += 1
    return this.current
  }

  async listDatasets(): Promise<DatasetList> {
    this.lists += 1
    return structuredClone({ datasets: this.datasets, generation: this.current })
  }

  /** Replaces (or adds) a dataset at the next version and moves the generation. */
  commit(name: string, files: Array<{ key: string; rows: number }>, schema: Manifest['schema'] = []): Manifest {
    const previous = this.datasets.find((m) => m.name === name)
    const manifest: Manifest = {
      name,
      version: (previous?.version ?? 0) + 1,
      operation: previous ? 'replace' : 'create',
      schema,
      files: files.map((f) => ({ ...f, bytes: 1 })),
      row_count: files.reduce((n, f) => n + f.rows, 0),
      bytes: files.length,
      created_at: new Date(0).toISOString(),
      committed_at: new Date().toISOString(),
    }
    this.datasets = [...this.datasets.filter((m) => m.name !== name), manifest]
    this.current += 1
    return manifest
  }

  drop(name: string): void {
    this.datasets = this.datasets.filter((m) => m.name !== name)
    this.current += 1
  }
}

export interface Harness {
  app: QuerydApp
  catalog: FakeCatalog
  objects: ReturnType<typeof folderObjects>
  root: string
  dataDir: string
  close: () => Promise<void>
}

/** queryd over a fake catalog and a folder of Parquet files, with a `people` dataset of 5 rows. */
export async function startHarness(query: Record<string, unknown> = {}): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'lh-queryd-objects-'))
  const config = testConfig({ query })
  const catalog = new FakeCatalog()
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
