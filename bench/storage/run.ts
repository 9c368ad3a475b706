import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'

// bench/storage: storaged (fs backend, real daemon, real HTTP through the storage client) against
// the same bytes written and read directly on the same disk in this process. Large objects: MB/s
// of PUT and GET and their ratio to direct (aim ≥ 0.6). Small objects: p50/p99 of 4 KiB PUT and
// GET. Both sides make writes durable (fsync) as storaged does. storaged's peak RSS (VmHWM) shows
// whether a large object is buffered. LH_BENCH_QUICK=1: fewer repetitions, same sizes.

const QUICK = process.env.LH_BENCH_QUICK === '1'
const REPO = resolve(import.meta.dirname, '../..')
const MIB = 1024 * 1024
const LARGE_BYTES = 64 * MIB
const LARGE_REPS = QUICK ? 2 : 5
const SMALL_BYTES = 4096
const SMALL_OPS = QUICK ? 100 : 1000

const chunk = Buffer.alloc(MIB, 0x5a)
const chunks = () =>
  Readable.from(
    (function* () {
      for (let i = 0; i < LARGE_BYTES / MIB; i++) yield chunk
    })(),
  )

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

const best = (xs: number[]) => Math.min(...xs)
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number
}

async function directWrite(path: string, source: Iterable<Buffer>): Promise<void> {
  const handle = await open(path, 'w')
  for (const part of source) await handle.write(part)
  await handle.sync()
  await handle.close()
}

async function directRead(path: string): Promise<void> {
  const handle = await open(path, 'r')
  for await (const _ of handle.createReadStream()) {
    // consume
  }
}

/** CPU ms the process's main thread (its event loop) has used so far: load-independent, unlike MB/s. */
function mainThreadCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the ") " split, in clock ticks (10 ms).
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** CPU ms of all the process's threads (event loop, hash worker, libuv's pool): what two cores must share. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10
}

function peakRssMb(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  return Math.round(kb / 1024)
}

// Both sides under one folder, so storaged's root and the direct files share a disk and filesystem.
const work = mkdtempSync(join(process.env.LH_BENCH_DIR ?? tmpdir(), 'lh-bench-storage-'))
mkdirSync(join(work, 'direct'), { recursive: true })
const daemon = await startDaemon('storaged', {
  env: { LH_PATHS_DATA_DIR: join(work, 'daemon'), LH_LOG_LEVEL: 'warn' },
})
const client = new StorageClient(new ServiceClient({ service: 'storaged', baseUrl: daemon.url }))
const sink = spawn(process.execPath, [join(import.meta.dirname, 'http-sink.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
})
const [sinkPort] = (await once(sink.stdout, 'data')) as [Buffer]
const sinkClient = new ServiceClient({
  service: 'http-sink',
  baseUrl: `http://127.0.0.1:${Number(sinkPort.toString())}`,
})
try {
  const large = Array.from({ length: LARGE_BYTES / MIB }, () => chunk)
  const put: number[] = []
  const get: number[] = []
  const dput: number[] = []
  const dget: number[] = []
  const sput: number[] = []
  const pid = daemon.child.pid as number
  const cpu = { put: 0, get: 0, putAll: 0, getAll: 0 }
  for (let rep = 0; rep < LARGE_REPS; rep++) {
    let before = mainThreadCpuMs(pid)
    let beforeAll = processCpuMs(pid)
    // The length is declared, as ingestd does for its Parquet files: the body is not chunk-encoded.
    put.push(await time(() => client.put(`bench/large-${rep}`, chunks(), { contentLength: LARGE_BYTES })))
    cpu.put += mainThreadCpuMs(pid) - before
    cpu.putAll += processCpuMs(pid) - beforeAll
    before = mainThreadCpuMs(pid)
    beforeAll = processCpuMs(pid)
    get.push(
      await time(async () => {
        for await (const _ of (await client.getStream(`bench/large-${rep}`)).body) {
        }
      }),
    )
    cpu.get += mainThreadCpuMs(pid) - before
    cpu.getAll += processCpuMs(pid) - beforeAll
    const path = join(work, 'direct', `large-${rep}`)
    dput.push(await time(() => directWrite(path, large)))
    dget.push(await time(() => directRead(path)))
    sput.push(
      await time(async () => {
        const res = await sinkClient.request({
          method: 'PUT',
          path: '/',
          headers: { 'content-length': String(LARGE_BYTES) },
          body: chunks(),
        })
        await res.body.dump()
      }),
    )
  }
  const mbps = (s: number) => LARGE_BYTES / MIB / s

  const small = Buffer.alloc(SMALL_BYTES, 0x33)
  const lat = { put: [] as number[], get: [] as number[], dput: [] as number[], dget: [] as number[] }
  for (let i = 0; i < SMALL_OPS; i++) {
    lat.put.push(await time(() => client.put(`bench/small/${i}`, small)))
    lat.get.push(await time(() => client.getBuffer(`bench/small/${i}`)))
    const path = join(work, 'direct', `small-${i}`)
    lat.dput.push(await time(() => directWrite(path, [small])))
    lat.dget.push(await time(() => readFile(path)))
  }
  const ms = (xs: number[], p: number) =>
    Number(
      (
        percentile(
          [...xs].sort((a, b) => a - b),
          p,
        ) * 1000
      ).toFixed(2),
    )

  const result = {
    quick: QUICK,
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? '',
      mem_gb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    large: {
      bytes: LARGE_BYTES,
      reps: LARGE_REPS,
      put_mb_s: Math.round(mbps(best(put))),
      direct_write_mb_s: Math.round(mbps(best(dput))),
      put_ratio: Number((best(dput) / best(put)).toFixed(2)),
      http_sink_mb_s: Math.round(mbps(best(sput))),
      put_to_http_sink_ratio: Number((best(sput) / best(put)).toFixed(2)),
      get_mb_s: Math.round(mbps(best(get))),
      direct_read_mb_s: Math.round(mbps(best(dget))),
      get_ratio: Number((best(dget) / best(get)).toFixed(2)),
      storaged_peak_rss_mb: peakRssMb(pid),
      put_main_thread_cpu_ms: Math.round(cpu.put / LARGE_REPS),
      get_main_thread_cpu_ms: Math.round(cpu.get / LARGE_REPS),
      put_process_cpu_ms: Math.round(cpu.putAll / LARGE_REPS),
      get_process_cpu_ms: Math.round(cpu.getAll / LARGE_REPS),
    },
    small: {
      bytes: SMALL_BYTES,
      ops: SMALL_OPS,
      put_p50_ms: ms(lat.put, 50),
      put_p99_ms: ms(lat.put, 99),
      direct_write_p50_ms: ms(lat.dput, 50),
      direct_write_p99_ms: ms(lat.dput, 99),
      get_p50_ms: ms(lat.get, 50),
      get_p99_ms: ms(lat.get, 99),
      direct_read_p50_ms: ms(lat.dget, 50),
      direct_read_p99_ms: ms(lat.dget, 99),
    },
  }
  const { large: l, small: s } = result
  console.log(
    `\n## storaged (fs) vs direct disk${QUICK ? ' (QUICK)' : ''} — ${result.machine.cpus}× ${result.machine.cpu}, Node ${result.machine.node}\n`,
  )
  console.log('| 64 MiB object | storaged MB/s | direct MB/s | ratio |')
  console.log('|---|---|---|---|')
  console.log(`| PUT (fsync) | ${l.put_mb_s} | ${l.direct_write_mb_s} | ${l.put_ratio} |`)
  console.log(`| GET | ${l.get_mb_s} | ${l.direct_read_mb_s} | ${l.get_ratio} |`)
  console.log(
    `\nTransport ceiling: a bare node:http server discarding the same PUT takes ${l.http_sink_mb_s} MB/s; storaged's PUT is ${l.put_to_http_sink_ratio} of it.`,
  )
  console.log(
    `\nstoraged's event loop per 64 MiB object (CPU ms of its main thread, 10 ms ticks): PUT ${l.put_main_thread_cpu_ms}, GET ${l.get_main_thread_cpu_ms}`,
  )
  console.log(
    `storaged's whole process (all threads) per 64 MiB object, CPU ms: PUT ${l.put_process_cpu_ms}, GET ${l.get_process_cpu_ms}`,
  )
  console.log(`\nstoraged peak RSS after ${LARGE_REPS} × 64 MiB: ${l.storaged_peak_rss_mb} MB\n`)
  console.log(`| 4 KiB object (${SMALL_OPS} ops) | storaged p50 ms | storaged p99 ms | direct p50 ms | direct p99 ms |`)
  console.log('|---|---|---|---|---|')
  console.log(
    `| PUT (fsync) | ${s.put_p50_ms} | ${s.put_p99_ms} | ${s.direct_write_p50_ms} | ${s.direct_write_p99_ms} |`,
  )
  console.log(`| GET | ${s.get_p50_ms} | ${s.get_p99_ms} | ${s.direct_read_p50_ms} | ${s.direct_read_p99_ms} |`)
  mkdirSync(join(REPO, 'bench', 'results'), { recursive: true })
  writeFileSync(join(REPO, 'bench', 'results', 'storage.json'), `${JSON.stringify(result, null, 2)}\n`)
} finally {
  await client.close()
  await daemon.stop()
  await sinkClient.close()
  sink.kill()
  rmSync(work, { recursive: true, force: true })
}
