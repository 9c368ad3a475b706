import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { checkCatalogLinear, checkFlatRss, checkLost, checkNo5xx, checkQueryTrend } from './checks.ts'
import { runEndCheck } from './end-check.ts'
import { measureQueryAtEqualData } from './equal-data.ts'
import { GatewayClient } from './gateway-client.ts'
import { Ledger } from './ledger.ts'
import { type LoadState, runLoad, seedDatasets } from './load.ts'
import { planOf, type SoakPlan } from './plan.ts'
import { type SoakResult, summaryText } from './report.ts'
import { type Samplers, sampleCatalog, startSamplers } from './sampler.ts'
import type { EndCheck, QueryAtEqualData } from './samples.ts'
import { startSoakStack } from './stack.ts'
import { overall, perMinute } from './stats.ts'
import { DATASETS } from './workload.ts'

// `./lh soak [minutes] [--quick]`: issue 18's sustained mixed load against a private stack, then
// the exact end check and the "Done when" criteria. Exit 0 when the run happened and nothing was
// lost (a criterion FAIL is reported, not fatal), 1 when data was lost, 2 when the run could not happen.

const RESULTS = resolve(import.meta.dirname, '../results/soak.json')

const uptime = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

/** Interrupted (Ctrl-C, kill): stop the daemons and remove the temp folder before leaving, not orphan them. */
function stopOnSignal(stop: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`soak: ${signal}: stopping the private stack; no results`)
      void stop().finally(() => process.exit(2))
    })
  }
}

const warnLines = (log: string) => log.split('\n').filter((l) => /"level":(40|50|60)/.test(l)).length

interface Recorded {
  plan: SoakPlan
  loadStart: string
  startedAt: number
  load: LoadState
  ledger: Ledger
  samplers: Samplers
  end: EndCheck
  equalData: QueryAtEqualData | null
  logs: Record<string, string>
}

/** Everything the run recorded, judged: the criteria, the first of which (0 lost) decides the exit code. */
function resultOf(r: Recorded): SoakResult {
  const minutes = perMinute(r.load.records, r.plan.minutes)
  const criteria = [
    checkLost(r.end, r.load.badReads),
    checkNo5xx(r.load.records),
    checkQueryTrend(minutes.query),
    checkFlatRss(r.samplers.rss, r.plan.warmupMinutes * 60_000),
    checkCatalogLinear(r.samplers.catalog),
  ]
  return {
    started_at: new Date(Date.now() - (performance.now() - r.startedAt)).toISOString(),
    minutes: r.plan.minutes,
    warmup_minutes: r.plan.warmupMinutes,
    clients: r.plan.clients,
    load_average: { start: r.loadStart, end: uptime() },
    operations: overall(r.load.records),
    per_minute: minutes,
    ingests: r.ledger.counts(),
    bad_reads_during_load: r.load.badReads,
    error_samples: r.load.errorSamples,
    rss: r.samplers.rss,
    catalog: r.samplers.catalog,
    end_check: r.end,
    criteria,
    query_at_equal_data: r.equalData,
    daemon_warnings: Object.fromEntries(Object.entries(r.logs).map(([d, log]) => [d, warnLines(log)])),
    sampler_failures: r.samplers.failures,
  }
}

async function main(): Promise<number> {
  const plan = planOf(process.argv.slice(2))
  const loadStart = uptime()
  console.log(`soak: starting a private stack for ${plan.minutes} min with ${plan.clients} clients (${loadStart})`)
  const stack = await startSoakStack(plan.clients)
  stopOnSignal(stack.stop)
  try {
    const gateway = new GatewayClient(stack.gatewayUrl)
    const ledger = new Ledger()
    const runId = Date.now().toString(36)
    await seedDatasets(gateway, ledger, stack.adminToken, runId)
    const startedAt = performance.now()
    const samplers = startSamplers({
      gateway,
      token: stack.adminToken,
      pids: stack.pids,
      urls: stack.urls,
      datasets: DATASETS,
      startedAt,
      minutes: plan.minutes,
      ackedRows: () => ledger.ackedRows,
    })
    const progress = setInterval(() => {
      const m = Math.round((performance.now() - startedAt) / 60_000)
      console.log(`soak: minute ${m}/${plan.minutes}, ${ledger.ackedRows} rows acknowledged`)
    }, 60_000)
    const load = await runLoad(gateway, ledger, {
      clients: plan.clients,
      tokens: stack.clientTokens,
      durationMs: plan.minutes * 60_000,
      runId,
      startedAt,
    })
    clearInterval(progress)
    await samplers.stop()
    console.log('soak: load over; end check (unknown ingests retried, rows counted, objects read back)')
    const end = await runEndCheck(gateway, ledger, stack.adminToken, DATASETS)
    try {
      // The last catalog sample, after everything settled: the exact acknowledged rows against the final catalog.
      const t = performance.now() - startedAt
      samplers.catalog.push(await sampleCatalog(gateway, stack.adminToken, DATASETS, t, ledger.ackedRows))
    } catch (err) {
      samplers.failures.push(`final catalog sample: ${(err as Error).message}`)
    }
    let equalData: QueryAtEqualData | null = null
    try {
      console.log('soak: the group-by at equal data (gateway, in-process over the same files, over one file)')
      equalData = await measureQueryAtEqualData(gateway, stack.adminToken, DATASETS)
    } catch (err) {
      samplers.failures.push(`query at equal data: ${(err as Error).message}`)
    }
    const result = resultOf({ plan, loadStart, startedAt, load, ledger, samplers, end, equalData, logs: stack.logs() })
    mkdirSync(join(RESULTS, '..'), { recursive: true })
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`)
    console.log(`\n${summaryText(result)}\n\nsoak: results in ${RESULTS}`)
    return result.criteria[0]?.pass ? 0 : 1
  } finally {
    await stack.stop()
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`soak: the run could not happen: ${err instanceof Error ? (err.stack ?? err.message) : err}`)
    process.exit(2)
  },
)
