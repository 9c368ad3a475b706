import { StatementNotAllowed } from '@lakehouse/shared'

// Functions refused on the parsed tree because their answer is a host path, or SQL text the guard
// never sees (issue 9 item 6c, ADR-007). Redacting the paths out of results catches the rest, but
// not a path cut into pieces (substr of a setting), nor the name of the spill folder, which must
// stay unknown: so these are not run at all. current_setting() stays allowed for a constant name
// that is not a folder, a path or a file (threads, memory_limit, …).

const REFUSED_FUNCTIONS = new Set([
  // paths of files and folders
  'glob',
  'parquet_metadata',
  'parquet_schema',
  'parquet_file_metadata',
  'parquet_kv_metadata',
  'parquet_bloom_probe',
  'duckdb_settings',
  'duckdb_temporary_files',
  'duckdb_extensions',
  'duckdb_secrets',
  'which_secret',
  'duckdb_databases',
  'duckdb_logs',
  'duckdb_log_contexts',
  // SQL in a string, invisible to the guard
  'query',
  'json_execute_serialized_sql',
])
const REFUSED_TABLES = new Set(['duckdb_settings', 'pg_settings', 'duckdb_databases', 'duckdb_temporary_files'])
const PATH_SETTING = /dir|path|file|home|secret|extension|repository|log|temp/i

interface Node {
  function_name?: unknown
  table_name?: unknown
  type?: unknown
  children?: Array<{ class?: unknown; value?: { value?: unknown } }>
}

function refusal(node: Node): string | undefined {
  if (typeof node.function_name === 'string') {
    const name = node.function_name.toLowerCase()
    if (REFUSED_FUNCTIONS.has(name)) return `${name}()`
    if (name === 'current_setting' || name === 'getvariable') {
      const arg = node.children?.[0]
      const setting = arg?.class === 'CONSTANT' ? arg.value?.value : undefined
      if (typeof setting !== 'string' || PATH_SETTING.test(setting)) return `${name}() of a path setting`
    }
  }
  if (node.type === 'BASE_TABLE' && typeof node.table_name === 'string') {
    const name = node.table_name.toLowerCase()
    if (REFUSED_TABLES.has(name)) return name
  }
  return undefined
}

/** Throws StatementNotAllowed when the parsed tree (json_serialize_sql) calls a refused function. */
export function assertNoHostPathFunctions(tree: unknown): void {
  const stack: unknown[] = [tree]
  while (stack.length > 0) {
    const node = stack.pop()
    if (node === null || typeof node !== 'object') continue
    if (Array.isArray(node)) {
      stack.push(...node)
      continue
    }
    const refused = refusal(node as Node)
    if (refused) {
      throw new StatementNotAllowed(
        `${refused} is not allowed: it shows host paths or runs SQL the statement guard cannot check (ADR-007)`,
      )
    }
    stack.push(...Object.values(node))
  }
}
