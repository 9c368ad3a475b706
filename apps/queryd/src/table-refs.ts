import { NAME_PATTERN } from '@lakehouse/shared'

// The datasets a statement may read, taken from the tree json_serialize_sql already built for the
// statement guard (ADR-021). Every node of the tree is visited, so a table named in a join, a
// subquery, a CTE, a set operation, an expression or EXPLAIN's inner statement is found alike.
// The answer errs on the side of reading more: a CTE that shares a dataset's name counts as that
// dataset (a probe and perhaps a lease too many, never a stale or missing view), and a statement
// that looks at the catalog itself (information_schema, duckdb_tables(), SHOW TABLES, …) needs
// every view, since it lists them. So does a statement that reads files by path (read_parquet of the
// cache folder, a quoted path in FROM, any table function not known to read nothing): bringing
// every view up to date first removes the cache files of dead versions before it reads (ADR-007).

export interface TableRefs {
  /** Lower-cased names that may be datasets: unqualified, or qualified by `main` / `memory.main`. */
  names: string[]
  /** True when the statement lists the catalog: every dataset's view must exist and be current. */
  isCatalogWide: boolean
}

/** Schemas and catalogs whose tables describe the catalog rather than hold data. */
const CATALOG_SCHEMAS = new Set(['information_schema', 'pg_catalog'])
const CATALOG_DATABASES = new Set(['system', 'temp'])
/** Table functions that read neither files nor the catalog; every other one needs every view. */
const PURE_TABLE_FUNCTIONS = new Set([
  'range',
  'generate_series',
  'unnest',
  'json_each',
  'json_tree',
  'repeat',
  'repeat_row',
  'test_all_types',
  'test_vector_types',
])
/** Built-in views reachable without a schema (duckdb_views, sqlite_master, pg_tables, …). */
const CATALOG_VIEW = /^(duckdb_|sqlite_|pragma_|pg_)/
/** query_table('name'): a table named by a string, read like a FROM. */
const TABLE_BY_NAME = 'query_table'

interface Node {
  type?: unknown
  class?: unknown
  table_name?: unknown
  schema_name?: unknown
  catalog_name?: unknown
  query?: unknown
  function?: { function_name?: unknown; children?: unknown[] }
}

interface Found {
  names: Set<string>
  isCatalogWide: boolean
}

function addBaseTable(node: Node, found: Found): void {
  const table = String(node.table_name).toLowerCase()
  const schema = String(node.schema_name ?? '').toLowerCase()
  const database = String(node.catalog_name ?? '').toLowerCase()
  if (CATALOG_SCHEMAS.has(schema) || CATALOG_DATABASES.has(database)) {
    found.isCatalogWide = true
    return
  }
  if (schema === '' && CATALOG_VIEW.test(table)) found.isCatalogWide = true
  const isMain = (schema === '' || schema === 'main') && (database === '' || database === 'memory')
  if (!isMain) return
  if (NAME_PATTERN.test(table)) found.names.add(table)
  // Not a dataset name: a path read by a replacement scan (FROM 'x.parquet'), or a name no view has.
  else found.isCatalogWide = true
}

/** The constant strings among a function's arguments (lists of them included); undefined if any is not constant. */
function constantStrings(args: unknown[] | undefined): string[] | undefined {
  const out: string[] = []
  for (const arg of args ?? []) {
    const node = arg as { class?: unknown; value?: { value?: unknown }; function_name?: unknown; children?: unknown[] }
    if (node.class === 'CONSTANT' && typeof node.value?.value === 'string') out.push(node.value.value)
    else if (node.class === 'FUNCTION' && node.function_name === 'list_value') {
      const inner = constantStrings(node.children)
      if (!inner) return undefined
      out.push(...inner)
    } else return undefined
  }
  return out
}

function addTableFunction(node: Node, found: Found): void {
  const name = String(node.function?.function_name ?? '').toLowerCase()
  if (PURE_TABLE_FUNCTIONS.has(name)) return
  if (name !== TABLE_BY_NAME) {
    found.isCatalogWide = true
    return
  }
  const named = constantStrings(node.function?.children)
  if (!named) {
    found.isCatalogWide = true
    return
  }
  for (const table of named) {
    const lower = table.toLowerCase()
    if (NAME_PATTERN.test(lower)) found.names.add(lower)
  }
}

/** The tables `statements` (json_serialize_sql's `statements`) may read. */
export function tableRefs(statements: unknown): TableRefs {
  const found: Found = { names: new Set(), isCatalogWide: false }
  const stack: unknown[] = [statements]
  while (stack.length > 0) {
    const item = stack.pop()
    if (item === null || typeof item !== 'object') continue
    if (Array.isArray(item)) {
      stack.push(...item)
      continue
    }
    const node = item as Node
    if (node.type === 'BASE_TABLE' && typeof node.table_name === 'string') addBaseTable(node, found)
    else if (node.type === 'TABLE_FUNCTION') addTableFunction(node, found)
    // SHOW TABLES, SHOW ALL TABLES, bare DESCRIBE: a SHOW over the catalog, not over a query.
    else if (node.type === 'SHOW_REF' && (node.query === null || node.query === undefined)) found.isCatalogWide = true
    stack.push(...Object.values(node))
  }
  return { names: [...found.names].sort(), isCatalogWide: found.isCatalogWide }
}
