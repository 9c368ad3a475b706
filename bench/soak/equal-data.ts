import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Manifest } from '@lakehouse/shared/contracts/catalog.ts'
import { openSandbox } from '../../apps/queryd/src/sandbox.ts'
import type { GatewayClient } from './gateway-client.ts'
import type { QueryAtEqualData } from './samples.ts'
import { GROUP_BY_SQL } from './workload.ts'

// The soak's query criterion compares the first minute with the last, while the closed-loop
// clients grow the data ~27× in between: a scan of all rows cannot stay within 2× of a scan of a
// 27th of them. What the issue's run showed was a query slowed by its history (1,550 files of 200
// rows, "where the same rows in one file take a few ms"). So once the load is over and the stack is
// idle, this measures the group-by at equal data: through the gateway over the soaked datasets, and
// in-process (queryd's own sandbox settings) over the very same files and over the same rows
// rewritten into one file per dataset. ADR-029.

const WARM_RUNS = 3
const RUNS = 15

const median = (samples: number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b)
  return Math.round((sorted[Math.floor(sorted.length / 2)] ?? 0) * 10) / 10
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARM_RUNS; i++) await run()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    await run()
    samples.push(performance.now() - started)
  }
  return median(samples)
}

/** Every live file of each dataset, read back through the gateway into `dir`. */
async function fetchLiveFiles(
  gateway: GatewayClient,
  token: string,
  datasets: readonly string[],
  dir: string,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const name of datasets) {
    const manifest = Manifest.parse(await gateway.json({ method: 'GET', path: `/v1/catalog/datasets/${name}`, token }))
    out[name] = []
    for (const [i, file] of manifest.files.entries()) {
      const answer = await gateway.send({
        method: 'GET',
        path: `/v1/storage/objects/${file.key}`,
        token,
        patient: true,
      })
      if (answer.status !== 200) throw new Error(`GET ${file.key} answered ${answer.status}`)
      const path = join(dir, `${name}-${i}.parquet`)
      writeFileSync(path, answer.body)
      out[name].push(path)
    }
  }
  return out
}

const viewSql = (name: string, paths: string[]) =>
  `CREATE OR REPLACE VIEW ${name} AS SELECT * FROM read_parquet([${paths.map((p) => `'${p}'`).join(', ')}], union_by_name = true)`

export async function measureQueryAtEqualData(
  gateway: GatewayClient,
  token: string,
  datasets: readonly string[],
): Promise<QueryAtEqualData> {
  const dir = mkdtempSync(join(tmpdir(), 'lh-soak-equal-'))
  try {
    const gatewayMs = await timed(() =>
      gateway.json({ method: 'POST', path: '/v1/query/sql', token, json: { sql: GROUP_BY_SQL } }),
    )
    const files = await fetchLiveFiles(gateway, token, datasets, dir)
    mkdirSync(join(dir, 'one'))
    const instance = await openSandbox({
      allowedDirectories: [`${dir}/`],
      memoryLimit: '1GB',
      threads: 2,
      spillDirectory: join(dir, 'spill'),
    })
    const connection = await instance.connect()
    try {
      const run = () => connection.runAndReadAll(GROUP_BY_SQL)
      for (const [name, paths] of Object.entries(files)) await connection.run(viewSql(name, paths))
      const soakedFilesMs = await timed(run)
      for (const [name, paths] of Object.entries(files)) {
        const one = join(dir, 'one', `${name}.parquet`)
        await connection.run(
          `COPY (SELECT * FROM read_parquet([${paths.map((p) => `'${p}'`).join(', ')}], union_by_name = true)) TO '${one}' (FORMAT parquet, COMPRESSION zstd)`,
        )
        await connection.run(viewSql(name, [one]))
      }
      const oneFileMs = await timed(run)
      return {
        files: Object.fromEntries(Object.entries(files).map(([name, paths]) => [name, paths.length])),
        gateway_p50_ms: gatewayMs,
        inprocess_soaked_files_p50_ms: soakedFilesMs,
        inprocess_one_file_p50_ms: oneFileMs,
      }
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
