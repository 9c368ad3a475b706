import type { StorageClient } from '@lakehouse/shared/clients/storage.ts'
import type { CatalogStorage } from '../../apps/catalogd/src/storage-port.ts'

// The storage a benchmarked catalog talks to: storaged's real client, with every call and byte
// counted, so the figures that do not depend on load (round trips, bytes) are exact.

export interface Counts {
  calls: Record<string, number>
  bytesWritten: number
  bytesRead: number
}

export function countingStorage(client: StorageClient): { storage: CatalogStorage; take: () => Counts } {
  let counts: Counts = { calls: {}, bytesWritten: 0, bytesRead: 0 }
  const count = (method: string) => {
    counts.calls[method] = (counts.calls[method] ?? 0) + 1
  }
  const storage: CatalogStorage = {
    async putIfAbsent(key, body) {
      count('putIfAbsent')
      counts.bytesWritten += Buffer.byteLength(body as string | Buffer)
      return client.putIfAbsent(key, body)
    },
    async getBuffer(key) {
      count('getBuffer')
      const bytes = await client.getBuffer(key)
      counts.bytesRead += bytes.length
      return bytes
    },
    async head(key) {
      count('head')
      return client.head(key)
    },
    async delete(key) {
      count('delete')
      return client.delete(key)
    },
    async *list(prefix, options) {
      count('list')
      for await (const object of client.list(prefix, options)) {
        count('listed')
        yield object
      }
    },
  }
  const take = () => {
    const taken = counts
    counts = { calls: {}, bytesWritten: 0, bytesRead: 0 }
    return taken
  }
  return { storage, take }
}
