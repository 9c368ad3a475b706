import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
import { type Stack, startStack } from '@lakehouse/shared/testing/stack.ts'
import { openSandbox } from '../../apps/queryd/src/sandbox.ts'
import { writeStaffingCsv } from '../lib/staffing.ts'
import { fetchFiles } from './dataset-files.ts'

// bench/query/hop.ts (ADR-025): where the time between the client and DuckDB goes, every way of
// running the group-by interleaved round by round so that the machine's load falls on all alike:
// DuckDB in-process with DuckDB's default external file cache (on) and with queryd's settings (off),
// queryd straight and through the gateway, and a second queryd with one DuckDB thread. Besides the
// wall time, the CPU time each process spent per query (/proc/<pid>/stat, exact up to the clock
// tick) and queryd's own run time (query_duration_seconds): CPU that outlives a query (DuckDB's
// threads spinning) or a gateway that buffers would show there, not in a guess.
// LH_BENCH_QUICK=1: 50k rows and fewer rounds.

const QUICK = process.env.LH_BENCH_QUICK === '1'
const ROWS = QUICK ? 50_000 : 1_000_000
const ROUNDS = QUICK ? 10 : 30
const PER_ROUND = 10
const AGGREGATE = 'select city, role, count(*) as n, avg(rate) as avg_rate from staffing group by 1, 2 order by 1, 2'
const TICK_MS = 10 // USER_HZ = 100 on Linux

type Runner = () => Promise<void>

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS
}

const selfCpuMs = () => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

async function runDuration(querydUrl: string): Promise<number> {
  const text = await (await fetch(`${querydUrl}/metrics`)).text()
  const sum = /^query_duration_seconds_sum(?:\{[^}]*\})? ([\d.e+-]+)$/m.exec(text)
  return Number(sum?.[1] ?? 0) * 1000
}

function httpRunner(url: string): Runner {
  return async () => {
    const res = await fetch(`${url}/v1/query/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sql: AGGREGATE, format: 'json' }),
    })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`query answered ${res.status}: ${text.slice(0, 200)}`)
  }
}

async function inProcess(work: string, files: string[], externalFileCache: boolean) {
  const instance = await openSandbox({
    allowedDirectories: [`${join(work, 'inprocess')}/`],
    memoryLimit: '2GB',
    threads: 2,
    spillDirectory: join(work, 'spill'),
    externalFileCache,
  })
  const setup = await instance.connect()
  await setup.run(
    `CREATE VIEW staffing AS SELECT * FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}], union_by_name = true)`,
  )
  setup.closeSync()
  const run: Runner = async () => {
    const connection = await instance.connect()
    try {
      const result = await (await connection.prepare(AGGREGATE)).stream()
      for (;;) {
        const chunk = await result.fetchChunk()
        if (!chunk || chunk.rowCount === 0) break
        chunk.getRows()
      }
    } finally {
      connection.closeSync()
    }
  }
  return { run, close: () => instance.closeSync() }
}

interface Mode {
  name: string
  run: Runner
  /** Processes whose CPU time is counted (the bench process is always counted). */
  pids: Record<string, number>
  querydUrl?: string
  samples: number[]
  cpu: Record<string, number>
  runMs: number
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lh-bench-hop-'))
  let stack: Stack | undefined
  const extra: Array<{ stop: () => Promise<unknown> }> = []
  try {
    stack = await startStack({ more: ['ingestd', 'queryd'], parentDir: work })
    const gateway = await startDaemon('gateway', {
      env: { LH_PATHS_DATA_DIR: stack.dataDir, ...stack.peers, LH_GATEWAY_RATE_LIMIT_MAX: '0' },
    })
    extra.push(gateway)
    const oneThread = await startDaemon('queryd', {
      env: {
        LH_PATHS_DATA_DIR: stack.dataDir,
        ...stack.peers,
        LH_QUERY_THREADS: '1',
        LH_QUERY_CACHE_DIR: join(work, 'cache-1thread'),
      },
    })
    extra.push(oneThread)
    const csv = join(work, 'staffing.csv')
    await writeStaffingCsv(csv, ROWS)
    const ingest = await fetch(`${gateway.url}/v1/ingest/staffing?format=csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: readFileSync(csv),
    })
    if (ingest.status !== 200) throw new Error(`ingest answered ${ingest.status}`)
    rmSync(csv)
    const files = await fetchFiles(gateway.url, join(work, 'inprocess'))
    const extOn = await inProcess(work, files, true)
    const extOff = await inProcess(work, files, false)
    const queryd = stack.daemons.queryd
    if (!queryd?.child.pid || !gateway.child.pid || !oneThread.child.pid) throw new Error('no pid')
    const mode = (name: string, run: Runner, pids: Record<string, number>, querydUrl?: string): Mode => ({
      name,
      run,
      pids,
      ...(querydUrl ? { querydUrl } : {}),
      samples: [],
      cpu: {},
      runMs: 0,
    })
    const modes: Mode[] = [
      mode('in-process, external file cache on', extOn.run, {}),
      mode('in-process, queryd settings', extOff.run, {}),
      mode('queryd direct', httpRunner(queryd.url), { queryd: queryd.child.pid }, queryd.url),
      mode(
        'gateway → queryd',
        httpRunner(gateway.url),
        { queryd: queryd.child.pid, gateway: gateway.child.pid },
        queryd.url,
      ),
      mode('queryd direct, threads 1', httpRunner(oneThread.url), { queryd: oneThread.child.pid }, oneThread.url),
    ]
    for (const m of modes) for (let i = 0; i < 5; i++) await m.run()
    for (let round = 0; round < ROUNDS; round++) {
      for (const m of modes) {
        const cpuBefore = Object.fromEntries(Object.entries(m.pids).map(([k, pid]) => [k, cpuMsOf(pid)]))
        const selfBefore = selfCpuMs()
        const runBefore = m.querydUrl ? await runDuration(m.querydUrl) : 0
        for (let i = 0; i < PER_ROUND; i++) {
          const started = performance.now()
          await m.run()
          m.samples.push(performance.now() - started)
        }
        m.cpu.bench = (m.cpu.bench ?? 0) + selfCpuMs() - selfBefore
        for (const [k, pid] of Object.entries(m.pids)) {
          m.cpu[k] = (m.cpu[k] ?? 0) + cpuMsOf(pid) - (cpuBefore[k] as number)
        }
        if (m.querydUrl) m.runMs += (await runDuration(m.querydUrl)) - runBefore
      }
    }
    extOn.close()
    extOff.close()
    const n = ROUNDS * PER_ROUND
    const round2 = (x: number) => Math.round(x * 100) / 100
    console.log(`\n## query hop (${QUICK ? 'QUICK' : 'full'}): ${ROWS} rows, group-by, ${n} runs each, interleaved\n`)
    console.log('| mode | p50 ms | p90 ms | queryd run ms (mean) | CPU ms per query: bench / queryd / gateway |')
    console.log('|---|---:|---:|---:|---|')
    for (const m of modes) {
      const sorted = [...m.samples].sort((a, b) => a - b)
      const at = (q: number) => round2(sorted[Math.floor(q * sorted.length)] as number)
      const cpu = ['bench', 'queryd', 'gateway'].map((k) => (k in m.cpu ? round2((m.cpu[k] as number) / n) : '–'))
      console.log(
        `| ${m.name} | ${at(0.5)} | ${at(0.9)} | ${m.querydUrl ? round2(m.runMs / n) : '–'} | ${cpu.join(' / ')} |`,
      )
    }
  } finally {
    for (const daemon of extra.reverse()) await daemon.stop()
    await stack?.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
