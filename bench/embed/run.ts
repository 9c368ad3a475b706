import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { EmbedClient } from '@lakehouse/shared/clients/embed.ts'
import { ServiceClient } from '@lakehouse/shared/http-client.ts'
import { type DaemonProcess, startDaemon } from '@lakehouse/shared/testing/daemon-process.ts'
// bench/ is not a workspace package: the in-process baseline is embedd's own hashing module, the
// very code the daemon runs.
import { hashEmbed } from '../../apps/embedd/src/hashing.ts'
import { formatBreakdown, measureBreakdown } from './breakdown.ts'
import { chunks, makeTexts } from './texts.ts'

// bench/embed: texts/s of the built-in hashing embedder in-process (the raw engine) against the same
// texts through embedd over HTTP (POST /v1/embed, keep-alive, one request at a time), at batch sizes
// 1, 32 and 256, with the cache off so every text is embedded. Also FNV-1a against node:crypto for
// the per-feature hash (ADR-008). Texts are distinct job-ad-like lines of ~25 words.
// LH_BENCH_QUICK=1: ~2k texts per size. Otherwise ~20k.

const QUICK = process.env.LH_BENCH_QUICK === '1'
const TEXTS_PER_SIZE = QUICK ? 2_048 : 20_480
const BATCH_SIZES = [1, 32, 256]
const DIM = 768
const REPO = resolve(import.meta.dirname, '../..')

function inProcess(texts: string[], batch: number): number {
  const started = performance.now()
  for (const part of chunks(texts, batch)) for (const text of part) hashEmbed(text, DIM)
  return texts.length / ((performance.now() - started) / 1000)
}

/** `float`: JSON numbers, asked for raw (every EmbedClient call rides base64 since ADR-023). */
async function embedAsFloat(http: ServiceClient, texts: string[]): Promise<{ vectors: unknown[] }> {
  return http.json({ method: 'POST', path: '/v1/embed', json: { texts, encoding: 'float' } })
}

async function overHttp(
  client: { embed: EmbedClient; http: ServiceClient },
  texts: string[],
  batch: number,
  isBase64 = false,
): Promise<number> {
  const started = performance.now()
  for (const part of chunks(texts, batch)) {
    const answer = isBase64 ? await client.embed.embedFloat32({ texts: part }) : await embedAsFloat(client.http, part)
    if (answer.vectors.length !== part.length) throw new Error('short answer')
  }
  return texts.length / ((performance.now() - started) / 1000)
}

/** Features hashed per second: FNV-1a inline against a node:crypto digest per feature. */
function hashRates(): { fnv1a_per_s: number; crypto_md5_per_s: number } {
  const grams = makeTexts(QUICK ? 2_000 : 20_000, 7).flatMap((text) => text.split(' ').map((w) => `<${w}>`.slice(0, 5)))
  let sink = 0
  let started = performance.now()
  for (const gram of grams) {
    let h = 0x811c9dc5
    for (let i = 0; i < gram.length; i++) h = Math.imul(h ^ gram.charCodeAt(i), 0x01000193)
    sink ^= h
  }
  const fnv = grams.length / ((performance.now() - started) / 1000)
  started = performance.now()
  for (const gram of grams) sink ^= createHash('md5').update(gram).digest().readUInt32LE(0)
  const md5 = grams.length / ((performance.now() - started) / 1000)
  if (sink === 0.5) console.log(sink)
  return { fnv1a_per_s: Math.round(fnv), crypto_md5_per_s: Math.round(md5) }
}

interface Row {
  batch: number
  texts: number
  inprocess_texts_per_s: number
  http_texts_per_s: number
  ratio: number
  http_base64_texts_per_s: number
  base64_ratio: number
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lh-bench-embed-'))
  let daemon: DaemonProcess | undefined
  let client: EmbedClient | undefined
  try {
    daemon = await startDaemon('embedd', {
      env: { LH_PATHS_DATA_DIR: dataDir, LH_EMBED_CACHE_MAX_ENTRIES: '0', LH_LOG_LEVEL: 'warn' },
    })
    const http = new ServiceClient({ service: 'embedd', baseUrl: daemon.url, timeoutMs: 120_000 })
    client = new EmbedClient(http)
    const clients = { embed: client, http }
    // Warm both paths (JIT, connection) on texts not measured.
    inProcess(makeTexts(512, 99), 32)
    await overHttp(clients, makeTexts(512, 98), 32)
    const rows: Row[] = []
    for (const [i, batch] of BATCH_SIZES.entries()) {
      const texts = makeTexts(TEXTS_PER_SIZE, i + 1)
      const local = inProcess(texts, batch)
      const asFloat = await overHttp(clients, texts, batch)
      const packed = await overHttp(clients, texts, batch, true)
      rows.push({
        batch,
        texts: texts.length,
        inprocess_texts_per_s: Math.round(local),
        http_texts_per_s: Math.round(asFloat),
        ratio: Number((asFloat / local).toFixed(3)),
        http_base64_texts_per_s: Math.round(packed),
        base64_ratio: Number((packed / local).toFixed(3)),
      })
    }
    const hashing = hashRates()
    const breakdown = await measureBreakdown(client, daemon.child.pid as number)
    console.log(`\n## embed (hashing-768, ${QUICK ? 'quick' : 'full'})\n`)
    console.log('| batch | texts | in-process texts/s | HTTP texts/s | ratio | HTTP base64 texts/s | ratio |')
    console.log('|---:|---:|---:|---:|---:|---:|---:|')
    for (const r of rows) {
      console.log(
        `| ${r.batch} | ${r.texts} | ${r.inprocess_texts_per_s} | ${r.http_texts_per_s} | ${r.ratio} | ${r.http_base64_texts_per_s} | ${r.base64_ratio} |`,
      )
    }
    console.log(
      `\nper-feature hash: FNV-1a ${hashing.fnv1a_per_s}/s, node:crypto md5 ${hashing.crypto_md5_per_s}/s ` +
        `(${(hashing.fnv1a_per_s / hashing.crypto_md5_per_s).toFixed(1)}x)\n`,
    )
    console.log(`### where one batch-256 base64 request goes\n\n${formatBreakdown(breakdown)}\n`)
    mkdirSync(join(REPO, 'bench/results'), { recursive: true })
    const result = {
      bench: 'embed',
      quick: QUICK,
      dim: DIM,
      node: process.version,
      rows,
      hashing,
      breakdown,
      at: new Date().toISOString(),
    }
    writeFileSync(join(REPO, 'bench/results/embed.json'), `${JSON.stringify(result, null, 2)}\n`)
  } finally {
    await client?.close()
    await daemon?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
