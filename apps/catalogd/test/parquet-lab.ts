import { mkdtempSync, rmSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { DataFile } from '@lakehouse/shared/clients/catalog.ts'
import type { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'

// Tests only: real Parquet data files made and read with DuckDB, so the compaction tests compare
// the rows a dataset holds before and after, not file lists alone.

export class ParquetLab {
  readonly #dir = mkdtempSync(join(tmpdir(), 'lh-parquet-lab-'))
  readonly #engine: DuckDBInstance
  #files = 0

  private constructor(engine: DuckDBInstance) {
    this.#engine = engine
  }

  static async open(): Promise<ParquetLab> {
    return new ParquetLab(await DuckDBInstance.create(':memory:', { threads: '1' }))
  }

  /** A data file of `dataset` holding the rows of `select`, seeded in storage as an ingest leaves it. */
  async seed(storage: MemoryStorage, dataset: string, id: string, select: string): Promise<DataFile> {
    const path = join(this.#dir, `made-${this.#files++}.parquet`)
    const conn = await this.#engine.connect()
    try {
      await conn.run(`COPY (${select}) TO '${path}' (FORMAT parquet, COMPRESSION zstd)`)
      const count = await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM '${path}'`)
      const key = `datasets/${dataset}/data/${id}.parquet`
      const put = storage.seed(key, await readFile(path))
      return { key, rows: Number(count.getRows()[0]?.[0]), bytes: put.size }
    } finally {
      conn.closeSync()
    }
  }

  /** Runs `sql` with `$files` standing for the files read as one table (union by name), as queryd does. */
  async query(storage: MemoryStorage, files: readonly DataFile[], sql: string): Promise<unknown[][]> {
    const paths: string[] = []
    for (const file of files) {
      const body = storage.bytes(file.key)
      if (!body) throw new Error(`${file.key} is not in storage`)
      const path = join(this.#dir, `read-${this.#files++}.parquet`)
      await writeFile(path, body)
      paths.push(`'${path}'`)
    }
    const conn = await this.#engine.connect()
    try {
      const reader = `read_parquet([${paths.join(', ')}], union_by_name = true)`
      const result = await conn.runAndReadAll(sql.replaceAll('$files', reader))
      return result.getRowsJson() as unknown[][]
    } finally {
      conn.closeSync()
    }
  }

  close(): void {
    this.#engine.closeSync()
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
