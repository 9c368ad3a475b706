import { SchemaMismatch } from '@lakehouse/shared'
import type { SchemaField } from '@lakehouse/shared/contracts/catalog.ts'

// Append rules (DESIGN §5 "ingest"): the same columns in any order; a new nullable column; a
// numeric column widened along TINYINT → SMALLINT → INTEGER → BIGINT → DOUBLE (either side may be
// the narrower one). Anything else is 409 schema_mismatch naming the column. The result says in
// which order and as which type each column is written, so every file of a dataset agrees with its
// manifest: dataset columns first, in the dataset's order, then the new ones.

const WIDENING = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'DOUBLE']

function widerOf(a: string, b: string): string | undefined {
  if (a === b) return a
  const i = WIDENING.indexOf(a)
  const j = WIDENING.indexOf(b)
  if (i < 0 || j < 0) return undefined
  return WIDENING[Math.max(i, j)]
}

export function reconcileSchema(existing: readonly SchemaField[], incoming: readonly SchemaField[]): SchemaField[] {
  const byName = new Map(incoming.map((f) => [f.name, f]))
  const schema: SchemaField[] = []
  for (const field of existing) {
    const upload = byName.get(field.name)
    if (!upload) {
      throw new SchemaMismatch(`column ${JSON.stringify(field.name)} of the dataset is missing from the upload`, {
        issues: [{ path: field.name, message: 'missing' }],
      })
    }
    const type = widerOf(field.type, upload.type)
    if (!type) {
      throw new SchemaMismatch(
        `column ${JSON.stringify(field.name)} is ${upload.type} in the upload but ${field.type} in the dataset`,
        { issues: [{ path: field.name, message: `expected ${field.type}, got ${upload.type}` }] },
      )
    }
    schema.push({ name: field.name, type, nullable: field.nullable || upload.nullable })
  }
  const known = new Set(existing.map((f) => f.name))
  for (const field of incoming) {
    if (known.has(field.name)) continue
    if (!field.nullable) {
      throw new SchemaMismatch(`new column ${JSON.stringify(field.name)} must be nullable`, {
        issues: [{ path: field.name, message: 'new columns must be nullable' }],
      })
    }
    schema.push({ ...field })
  }
  return schema
}
