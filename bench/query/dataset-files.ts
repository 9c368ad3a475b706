import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

// The bench's dataset as plain Parquet files for in-process DuckDB: every file of `staffing`'s
// latest manifest, read back through `url` (the gateway) into `dir`. Shared by run.ts and hop.ts.

export async function fetchFiles(url: string, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true })
  const manifest = (await (await fetch(`${url}/v1/catalog/datasets/staffing`)).json()) as { files: { key: string }[] }
  return Promise.all(
    manifest.files.map(async (file, i) => {
      const bytes = Buffer.from(await (await fetch(`${url}/v1/storage/objects/${file.key}`)).arrayBuffer())
      const path = join(dir, `${i}.parquet`)
      writeFileSync(path, bytes)
      return path
    }),
  )
}
