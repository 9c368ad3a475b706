import { createHash, type Hash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'

// The worker side of file-hasher.ts: hashes object files as they grow on disk. The main thread only
// tells it how far the file is written; the bytes come from the page cache here, so no body byte is
// copied on the main thread and the hash never waits for, or holds up, the socket (ADR-023).

interface Job {
  fd: number
  hash: Hash
  offset: number
}

export type HashMessage =
  | { op: 'open'; id: number; path: string }
  | { op: 'progress'; id: number; upTo: number }
  | { op: 'finish'; id: number; size: number }
  | { op: 'abandon'; id: number }

const READ_BYTES = 1024 * 1024
const buffer = Buffer.allocUnsafe(READ_BYTES)
const jobs = new Map<number, Job>()

function hashUpTo(job: Job, upTo: number): void {
  while (job.offset < upTo) {
    const read = readSync(job.fd, buffer, 0, Math.min(READ_BYTES, upTo - job.offset), job.offset)
    if (read === 0) throw new Error(`object file ended at ${job.offset} bytes, ${upTo} were written`)
    job.hash.update(buffer.subarray(0, read))
    job.offset += read
  }
}

function close(id: number): void {
  const job = jobs.get(id)
  jobs.delete(id)
  if (job) closeSync(job.fd)
}

parentPort?.on('message', (message: HashMessage) => {
  const { id } = message
  try {
    if (message.op === 'open') {
      jobs.set(id, { fd: openSync(message.path, 'r'), hash: createHash('sha256'), offset: 0 })
      return
    }
    if (message.op === 'abandon') return close(id)
    const job = jobs.get(id)
    if (!job) throw new Error(`no hash job ${id}`)
    if (message.op === 'progress') return hashUpTo(job, message.upTo)
    hashUpTo(job, message.size)
    const digest = job.hash.digest()
    close(id)
    parentPort?.postMessage({ id, digest })
  } catch (err) {
    if (message.op !== 'abandon') close(id)
    parentPort?.postMessage({ id, error: (err as Error).message })
  }
})
