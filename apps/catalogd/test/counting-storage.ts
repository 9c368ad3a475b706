import type { ListOptions, ObjectInfo, PutResult } from '@lakehouse/shared/clients/storage.ts'
import { MemoryStorage } from '@lakehouse/shared/testing/memory-storage.ts'

// A memory storage that counts the bytes the catalog writes and reads, so a test can state what a
// commit costs in exact figures (ADR-020), and can fail writes of chosen keys (a crash stand-in).

export class CountingStorage extends MemoryStorage {
  bytesWritten = 0
  bytesRead = 0
  /** Create-only writes of keys this matches throw, as if the process died before them. */
  failWrites: ((key: string) => boolean) | undefined

  override async putIfAbsent(key: string, body: string | Buffer): Promise<PutResult> {
    if (this.failWrites?.(key)) throw new Error(`write of ${key} failed (test)`)
    const result = await super.putIfAbsent(key, body)
    this.bytesWritten += Buffer.byteLength(body)
    return result
  }

  /** Objects any listing yielded: what a listing costs grows with them, not with its calls. */
  objectsListed = 0

  override async *list(prefix: string, options?: ListOptions): AsyncGenerator<ObjectInfo> {
    for await (const object of super.list(prefix, options)) {
      this.objectsListed += 1
      yield object
    }
  }

  override async getBuffer(key: string): Promise<Buffer> {
    const body = await super.getBuffer(key)
    this.bytesRead += body.length
    return body
  }

  /** Counters since the last call: calls by method, bytes written and read. */
  takeCounts(): { calls: Record<string, number>; bytesWritten: number; bytesRead: number } {
    const counts = { calls: { ...this.calls }, bytesWritten: this.bytesWritten, bytesRead: this.bytesRead }
    for (const method of Object.keys(this.calls)) delete this.calls[method]
    this.bytesWritten = 0
    this.bytesRead = 0
    return counts
  }
}
