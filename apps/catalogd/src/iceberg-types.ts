import type { SchemaField } from '@lakehouse/shared/contracts/catalog.ts'

// DuckDB column types as Iceberg types (ADR-016). Only types whose Parquet encoding, as DuckDB
// writes it, an Iceberg reader decodes to the same values are mapped; the rest have no Iceberg
// type here and make the dataset unrepresentable (listed with the reason, never guessed).

export type IcebergType =
  | string
  | { type: 'list'; 'element-id': number; element: IcebergType; 'element-required': boolean }

export interface IcebergField {
  id: number
  name: string
  required: boolean
  type: IcebergType
}

export interface IcebergSchema {
  type: 'struct'
  'schema-id': number
  fields: IcebergField[]
}

const PRIMITIVES: Record<string, string> = {
  BOOLEAN: 'boolean',
  TINYINT: 'int',
  SMALLINT: 'int',
  INTEGER: 'int',
  BIGINT: 'long',
  FLOAT: 'float',
  DOUBLE: 'double',
  VARCHAR: 'string',
  BLOB: 'binary',
  DATE: 'date',
  TIME: 'time',
  TIMESTAMP: 'timestamp',
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  UUID: 'uuid',
}

const DECIMAL = /^DECIMAL\((\d+),\s*(\d+)\)$/

/** The Iceberg primitive for a DuckDB type (lists excluded), or undefined when there is none. */
export function icebergPrimitive(duckdb: string): string | undefined {
  const primitive = PRIMITIVES[duckdb]
  if (primitive) return primitive
  const decimal = DECIMAL.exec(duckdb)
  if (decimal && Number(decimal[1]) <= 38) return `decimal(${decimal[1]}, ${decimal[2]})`
  return undefined
}

/** Why a schema has no Iceberg form (the first column without a mapped type), or undefined. */
export function unmappedColumn(
  schema: readonly SchemaField[] | readonly { name: string; type: string }[],
): string | undefined {
  for (const field of schema) {
    let type = field.type
    while (type.endsWith('[]')) type = type.slice(0, -2)
    if (!icebergPrimitive(type))
      return `column ${JSON.stringify(field.name)} has type ${field.type}, which has no Iceberg type`
  }
  return undefined
}

/**
 * What a column's type may become while keeping its field id: Iceberg's legal promotions (int →
 * long, float → double, a decimal's precision widened at the same scale). TINYINT → SMALLINT →
 * INTEGER → BIGINT, the widenings ingest makes on append, stay one field.
 */
function promotionFamily(duckdb: string): string {
  const primitive = icebergPrimitive(duckdb)
  if (primitive === 'int' || primitive === 'long') return 'integer'
  if (primitive === 'float' || primitive === 'double') return 'floating'
  const decimal = primitive && /^decimal\(\d+, (\d+)\)$/.exec(primitive)
  if (decimal) return `decimal-scale-${decimal[1]}`
  return duckdb
}

/**
 * Field ids, assigned once per (name, promotion family) in the order a dataset's history first
 * shows them: a column keeps its id across versions and legal promotions; a column whose type
 * changed otherwise (BIGINT → DOUBLE, VARCHAR → DATE) gets a new one.
 */
export class FieldIds {
  readonly #ids = new Map<string, number>()
  #last = 0

  get lastColumnId(): number {
    return this.#last
  }

  schema(columns: readonly { name: string; type: string; nullable: boolean }[], schemaId: number): IcebergSchema {
    const fields = columns.map((column) => {
      const id = this.#id(`${column.name}\u0000${promotionFamily(column.type)}`)
      return { id, name: column.name, required: !column.nullable, type: this.#type(column.name, column.type) }
    })
    return { type: 'struct', 'schema-id': schemaId, fields }
  }

  #id(key: string): number {
    let id = this.#ids.get(key)
    if (id === undefined) {
      id = ++this.#last
      this.#ids.set(key, id)
    }
    return id
  }

  #type(path: string, duckdb: string): IcebergType {
    if (duckdb.endsWith('[]')) {
      const inner = duckdb.slice(0, -2)
      const elementId = this.#id(`${path}\u0000element\u0000${inner}`)
      return {
        type: 'list',
        'element-id': elementId,
        element: this.#type(`${path}.element`, inner),
        'element-required': false,
      }
    }
    const primitive = icebergPrimitive(duckdb)
    if (!primitive) throw new Error(`${duckdb} has no Iceberg type`)
    return primitive
  }
}

interface NameMapping {
  'field-id': number
  names: string[]
  fields?: NameMapping[]
}

/**
 * `schema.name-mapping.default`: DuckDB writes Parquet without field ids, so readers find columns by
 * name. Of the current schema only: a name must map to one id, and a replace that changed a type
 * left no file of the old type in the current snapshot.
 */
export function nameMapping(schema: IcebergSchema): string {
  const mapField = (id: number, name: string, type: IcebergType): NameMapping => {
    const mapped: NameMapping = { 'field-id': id, names: [name] }
    if (typeof type !== 'string') mapped.fields = [mapField(type['element-id'], 'element', type.element)]
    return mapped
  }
  return JSON.stringify(schema.fields.map((field) => mapField(field.id, field.name, field.type)))
}
