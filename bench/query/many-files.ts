import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSandbox } from '../../apps/queryd/src/sandbox.ts'

// bench/query/many-files: a dataset of many small appends (issue 18: 1,550 files of ~200 rows made
// the group-by take 280 ms idle), in-process, under queryd's sandbox settings with DuckDB's Parquet
// metadata cache and external file cache each on and off (ADR-021). Per setting: p50 of the
// group-by over the view, and DuckDB's own memory (duckdb_memory()) and the process RSS after the
// run, so the memory each cache costs shows next to the time it saves.
// LH_BENCH_FILES (default 1000), LH_BENCH_QUICK=1 for 200 files and fewer runs.

const QUICK = process.env.LH_BENCH_QUICK === '1'
const FILES = Number(process.env.LH_BENCH_FILES ?? (QUICK ? 200 : 1000))
const RUNS = QUICK ? 10 : 40
const GROUP_BY = 'select city, count(*) as n, avg(rate) as r from many group by 1 order by 1'

async function writeFiles(dir: string): Promise<string[]> {
  // bench/ is not a workspace package: DuckDB comes through queryd's sandbox, which still lets
  // COPY write into its allowed folder.
  const instance = await openSandbox({
    allowedDirectories: [`${dir}/`],
    memoryLimit: '1GB',
    threads: 2,
    spillDirectory: join(dir, 'spill'),
  })
  const connection = await instance.connect()
  const paths: string[] = []
  for (let i = 0; i < FILES; i++) {
    const path = join(dir, `${String(i).padStart(5, '0')}.parquet`)
    await connection.run(
      `COPY (select ${i} * 200 + range as id, ['Paris','Lyon','Nice'][range % 3 + 1] as city, random() * 100 as rate
             from range(200)) TO '${path}' (FORMAT parquet, COMPRESSION zstd)`,
    )
    paths.push(path)
  }
  connection.closeSync()
  instance.closeSync()
  return paths
}

async function measure(dir: string, paths: string[], parquetMetadataCache: boolean, externalFileCache: boolean) {
  const instance = await openSandbox({
    allowedDirectories: [`${dir}/`],
    memoryLimit: '2GB',
    threads: 2,
    spillDirectory: join(dir, 'spill'),
    parquetMetadataCache,
    externalFileCache,
  })
  const setup = await instance.connect()
  await setup.run(
    `CREATE VIEW many AS SELECT * FROM read_parquet([${paths.map((p) => `'${p}'`).join(', ')}], union_by_name = true)`,
  )
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const connection = await instance.connect()
    const started = performance.now()
    await connection.runAndReadAll(GROUP_BY)
    samples.push(performance.now() - started)
    connection.closeSync()
  }
  const memory = await setup.runAndReadAll('select sum(memory_usage_bytes)::BIGINT from duckdb_memory()')
  const duckdbBytes = Number(memory.getRows()[0]?.[0])
  setup.closeSync()
  instance.closeSync()
  samples.sort((a, b) => a - b)
  return {
    parquet_metadata_cache: parquetMetadataCache,
    external_file_cache: externalFileCache,
    group_by_p50_ms: Math.round((samples[Math.floor(samples.length / 2)] as number) * 10) / 10,
    duckdb_memory_mb: Math.round(duckdbBytes / 1e5) / 10,
    rss_mb: Math.round(process.memoryUsage().rss / 1e5) / 10,
  }
}

const dir = mkdtempSync(join(tmpdir(), 'lh-bench-many-'))
try {
  mkdirSync(join(dir, 'spill'))
  const paths = await writeFiles(dir)
  console.log(`\n## query over ${FILES} files of 200 rows (in-process, ${RUNS} runs each)\n`)
  console.log('| parquet_metadata_cache | external_file_cache | group-by p50 ms | DuckDB memory MB | RSS MB |')
  console.log('|---|---|---:|---:|---:|')
  for (const [metadata, external] of [
    [false, true],
    [false, false],
    [true, false],
    [true, true],
  ] as const) {
    const r = await measure(dir, paths, metadata, external)
    console.log(
      `| ${r.parquet_metadata_cache} | ${r.external_file_cache} | ${r.group_by_p50_ms} | ${r.duckdb_memory_mb} | ${r.rss_mb} |`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
