import { AlreadyExists } from '@lakehouse/shared'
import type { CommitRequest, Manifest, SchemaField } from '@lakehouse/shared/contracts/catalog.ts'
import type { IngestMode } from '@lakehouse/shared/contracts/ingest.ts'
import { reconcileSchema } from './schema-rules.ts'

// Which catalog commit an upload becomes (DESIGN §5 "ingest"): `create` refuses an existing dataset;
// `append` (the default) and `replace` create a dataset that is absent. An append that changes the
// dataset's schema (a new column, a widened type) pins expected_version, so it cannot silently
// overwrite a schema committed in between; a plain append does not, so concurrent appends all land.
// A retry of a `create` that may have landed goes to the catalog anyway: its idempotency key finds
// the first commit there, and only a genuine other dataset is already_exists.

export type CommitPlan = Omit<CommitRequest, 'files' | 'idempotency_key'>

export function planCommit(
  dataset: string,
  mode: IngestMode,
  current: Manifest | undefined,
  uploaded: readonly SchemaField[],
  options: { isRetry: boolean } = { isRetry: false },
): CommitPlan {
  if (!current || (mode === 'create' && options.isRetry)) return { operation: 'create', schema: [...uploaded] }
  if (mode === 'create') {
    throw new AlreadyExists(
      `dataset ${dataset} already exists (version ${current.version}); use mode=append or mode=replace`,
    )
  }
  if (mode === 'replace') return { operation: 'replace', schema: [...uploaded] }
  const schema = reconcileSchema(current.schema, uploaded)
  const isSchemaChanged = JSON.stringify(schema) !== JSON.stringify(current.schema)
  return { operation: 'append', schema, ...(isSchemaChanged ? { expected_version: current.version } : {}) }
}
