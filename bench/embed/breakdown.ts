import { readFileSync } from 'node:fs'
import type { EmbedClient } from '@lakehouse/shared/clients/embed.ts'
import { Base64EmbedResponse, decodeFloat32Base64, EmbedRequest } from '@lakehouse/shared/contracts/embed.ts'
import { testConfig } from '@lakehouse/shared/testing/config.ts'
// bench/ is not a workspace package: these are embedd's own modules, the very code the daemon runs.
import { buildApp, createEmbedder } from '../../apps/embedd/src/app.ts'
import { hashEmbed } from '../../apps/embedd/src/hashing.ts'
import { base64Answer } from '../../apps/embedd/src/routes/embed.ts'
import { makeTexts } from './texts.ts'

// Where the time of one batch-256 base64 request goes, in CPU milliseconds (process.cpuUsage, and
// /proc/<pid>/stat for the daemon): CPU time does not grow when other processes take the cores, so
// these figures hold on a busy machine where wall-clock ratios swing. Each step runs the code embedd
// or EmbedClient runs, over the same batches, best of three rounds. Requests are serial, so the
// wall ratio on an idle machine is about engine / (embedd CPU + client CPU) (`cpu_ratio`).

const DIM = 768
const BATCH = 256
const BATCHES = 24
const ROUNDS = 3

export interface Breakdown {
  /** Per batch of 256, ms of CPU. */
  engine: number
  server_request_parse: number
  server_embed: number
  server_answer: number
  server_inject: number
  client_request: number
  client_answer: number
  http_embedd_cpu: number
  http_client_cpu: number
  http_wall_p50: number
  cpu_ratio: number
  answer_bytes: number
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** CPU ms per batch of `step` over every batch, best of ROUNDS (the later rounds are warm). */
async function perBatch<T>(batches: T[], step: (item: T) => unknown): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let round = 0; round < ROUNDS; round++) {
    const started = cpuMs()
    for (const item of batches) await step(item)
    best = Math.min(best, (cpuMs() - started) / batches.length)
  }
  return best
}

/** utime + stime of a process, in ms (clock ticks of 10 ms, USER_HZ = 100 on Linux). */
function processCpuMs(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

const round = (ms: number) => Number(ms.toFixed(2))

export async function measureBreakdown(client: EmbedClient, daemonPid: number): Promise<Breakdown> {
  const batches = Array.from({ length: BATCHES }, (_, i) => makeTexts(BATCH, 1_000 + i))
  const bodies = batches.map((texts) => JSON.stringify({ texts, encoding: 'base64' }))
  const config = testConfig({ embed: { cache_max_entries: 0 } })
  const embedder = createEmbedder(config.embed)
  const app = buildApp({ config, embedder })
  try {
    const engine = await perBatch(batches, (texts) => {
      for (const text of texts) hashEmbed(text, DIM)
    })
    const server_request_parse = await perBatch(bodies, (body) => EmbedRequest.parse(JSON.parse(body)))
    const server_embed = await perBatch(batches, (texts) => embedder.embed({ texts }))
    const results = await Promise.all(batches.map((texts) => embedder.embed({ texts })))
    const server_answer = await perBatch(results, base64Answer)
    const server_inject = await perBatch(bodies, (payload) =>
      app.inject({ method: 'POST', url: '/v1/embed', payload, headers: { 'content-type': 'application/json' } }),
    )
    const client_request = await perBatch(batches, (texts) => JSON.stringify({ texts, encoding: 'base64' }))
    const answers = results.map(base64Answer)
    const client_answer = await perBatch(answers, (bytes) =>
      Base64EmbedResponse.parse(JSON.parse(bytes.toString('utf8'))).vectors.map(decodeFloat32Base64),
    )
    // Over the socket, one request at a time, as the throughput rows are measured.
    for (const texts of batches) await client.embedFloat32({ texts })
    const walls: number[] = []
    const daemonBefore = processCpuMs(daemonPid)
    const clientBefore = cpuMs()
    for (let r = 0; r < ROUNDS; r++) {
      for (const texts of batches) {
        const started = performance.now()
        await client.embedFloat32({ texts })
        walls.push(performance.now() - started)
      }
    }
    const requests = walls.length
    const http_embedd_cpu = (processCpuMs(daemonPid) - daemonBefore) / requests
    const http_client_cpu = (cpuMs() - clientBefore) / requests
    walls.sort((a, b) => a - b)
    return {
      engine: round(engine),
      server_request_parse: round(server_request_parse),
      server_embed: round(server_embed),
      server_answer: round(server_answer),
      server_inject: round(server_inject),
      client_request: round(client_request),
      client_answer: round(client_answer),
      http_embedd_cpu: round(http_embedd_cpu),
      http_client_cpu: round(http_client_cpu),
      http_wall_p50: round(walls[walls.length >> 1] as number),
      cpu_ratio: Number((engine / (http_embedd_cpu + http_client_cpu)).toFixed(3)),
      answer_bytes: (answers[0] as Buffer).byteLength,
    }
  } finally {
    await app.close()
    config.cleanup()
  }
}

export function formatBreakdown(b: Breakdown): string {
  const share = (ms: number) => `${((ms / b.engine) * 100).toFixed(0)} %`
  const rows: [string, number][] = [
    ['engine: hashEmbed × 256, in-process (the baseline)', b.engine],
    ['embedd: JSON.parse + zod EmbedRequest', b.server_request_parse],
    ['embedd: Embedder.embed (loader, provider checks, engine)', b.server_embed],
    ['embedd: the base64 answer as bytes', b.server_answer],
    ['embedd: whole request through app.inject (no socket)', b.server_inject],
    ['client: JSON.stringify of the request', b.client_request],
    ['client: JSON.parse + zod + base64 decode of the answer', b.client_answer],
    ['over a socket: embedd process CPU per request', b.http_embedd_cpu],
    ['over a socket: client process CPU per request', b.http_client_cpu],
  ]
  return [
    `| step (batch ${BATCH}, CPU ms) | ms | of engine |`,
    '|---|---:|---:|',
    ...rows.map(([name, ms]) => `| ${name} | ${ms} | ${share(ms)} |`),
    '',
    `answer ${b.answer_bytes} bytes; wall p50 per request ${b.http_wall_p50} ms; ` +
      `engine / (embedd + client CPU) = ${b.cpu_ratio}`,
  ].join('\n')
}
