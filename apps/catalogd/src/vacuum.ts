import type { VacuumResult } from '@lakehouse/shared/contracts/catalog.ts'
import { DATASETS_PREFIX, dataFileOwner } from '@lakehouse/shared/contracts/catalog-layout.ts'
import type { ObjectInfo } from '@lakehouse/shared/contracts/storage.ts'
import type { Catalog } from './catalog.ts'
import type { CatalogStorage } from './storage-port.ts'

// Vacuum removes data files under datasets/<name>/data/ that no retained version of <name>
// references and that are older than the grace period (ADR-020). Retained: the latest version and
// every version that was the latest at some moment within the grace period, so a reader (or a time
// travel) that started within it still finds its files, and the files a compaction or a replace
// dropped go once the period has passed; the age rule shields files an ingest wrote but has not
// yet committed. Manifests are never removed: an older version still reads, its files may not.

export interface VacuumOptions {
  graceMs: number
  now?: () => number
}

async function dataFilesByDataset(storage: CatalogStorage): Promise<Map<string, ObjectInfo[]>> {
  const byName = new Map<string, ObjectInfo[]>()
  for await (const object of storage.list(DATASETS_PREFIX)) {
    const owner = dataFileOwner(object.key)
    if (!owner) continue
    const files = byName.get(owner) ?? []
    files.push(object)
    byName.set(owner, files)
  }
  return byName
}

export async function vacuum(storage: CatalogStorage, catalog: Catalog, options: VacuumOptions): Promise<VacuumResult> {
  const cutoff = (options.now ?? Date.now)() - options.graceMs
  const result: VacuumResult = { deleted: [], kept: 0 }
  for (const [name, files] of await dataFilesByDataset(storage)) {
    const referenced = await catalog.retainedFiles(name, cutoff)
    for (const file of files) {
      if (referenced.has(file.key) || Date.parse(file.last_modified) > cutoff) {
        result.kept++
        continue
      }
      await storage.delete(file.key)
      result.deleted.push(file.key)
    }
  }
  return result
}
