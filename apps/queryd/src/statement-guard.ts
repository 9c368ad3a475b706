import type { DuckDBConnection, DuckDBExtractedStatements, DuckDBPreparedStatement } from '@duckdb/node-api'
import { StatementType } from '@duckdb/node-api'
import { StatementNotAllowed } from '@lakehouse/shared'
import { assertNoHostPathFunctions } from './host-path-functions.ts'
import { noRedaction, type Redactor, toQueryError } from './sql-errors.ts'
import { type TableRefs, tableRefs } from './table-refs.ts'

// The statement allow-list (ADR-007): the part of the sandbox DuckDB settings cannot provide.
// 1. DuckDB's parser splits the text; exactly one statement is accepted.
// 2. The statement is classified on the PARSED tree, before anything binds: json_serialize_sql
//    accepts only SELECT trees (SELECT, WITH, VALUES, FROM-first, DESCRIBE, SHOW, SUMMARIZE all
//    parse to one). Preparing is not enough on its own: binding EXPORT DATABASE already creates
//    its folder, so nothing else is ever prepared.
// 3. EXPLAIN is accepted only as `EXPLAIN <stmt>` where <stmt> alone passes step 2; EXPLAIN ANALYZE
//    (or an option list) runs the statement, COPY included, so it is refused.
// 4. Once prepared, the statement type DuckDB reports must still be SELECT or EXPLAIN.
// In step 2 the tree is also searched for the functions that show host paths (ADR-007).

type ExtractedStatements = DuckDBExtractedStatements

const EXPLAIN_PREFIX = /^\s*explain\s+/i
const EXPLAIN_OPTIONS = /^\s*(analy[sz]e\b|\()/i
const ALLOWED = 'only SELECT, WITH, VALUES, EXPLAIN, DESCRIBE, SHOW and SUMMARIZE are allowed; queryd is read-only'

const NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(StatementType)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
)

export function statementTypeName(type: number): string {
  return NAMES[type] ?? `type ${type}`
}

function firstWord(sql: string): string {
  return (/[A-Za-z]+/.exec(sql)?.[0] ?? 'this').toUpperCase()
}

/**
 * The tables read when DuckDB parses `sql` as exactly one SELECT tree, undefined when it does not;
 * binds and executes nothing of it. A SELECT tree that calls a function showing host paths is
 * refused here (host-path-functions.ts).
 */
async function selectTreeRefs(connection: DuckDBConnection, sql: string): Promise<TableRefs | undefined> {
  const check = await connection.prepare('SELECT json_serialize_sql($1::VARCHAR)')
  check.bindVarchar(1, sql)
  const reader = await check.runAndReadAll()
  const parsed = JSON.parse(String(reader.getRows()[0]?.[0])) as { error?: boolean; statements?: unknown[] }
  if (parsed.error === true || parsed.statements?.length !== 1) return undefined
  assertNoHostPathFunctions(parsed.statements)
  return tableRefs(parsed.statements)
}

async function countStatements(connection: DuckDBConnection, sql: string, redact: Redactor) {
  try {
    return await connection.extractStatements(sql)
  } catch (err) {
    throw toQueryError(err, redact)
  }
}

async function assertParsedAllowed(connection: DuckDBConnection, sql: string): Promise<TableRefs> {
  const refs = await selectTreeRefs(connection, sql)
  if (refs) return refs
  const inner = sql.replace(EXPLAIN_PREFIX, '')
  if (inner === sql) throw new StatementNotAllowed(`${firstWord(sql)} statements are not allowed: ${ALLOWED}`)
  const innerRefs = EXPLAIN_OPTIONS.test(inner) ? undefined : await selectTreeRefs(connection, inner)
  if (!innerRefs) {
    throw new StatementNotAllowed('only plain EXPLAIN <select> is allowed (EXPLAIN ANALYZE runs the statement)')
  }
  return innerRefs
}

/** A statement that passed steps 1-3, and the tables it reads. */
export interface CheckedStatement {
  extracted: ExtractedStatements
  refs: TableRefs
}

/**
 * Steps 1-3 on the parsed text alone: nothing is bound, so no view needs to exist yet.
 * StatementNotAllowed or SqlError otherwise. The answer depends on the text and DuckDB's parser
 * alone, so it may be cached by text (guard-cache.ts).
 */
export async function checkStatement(
  connection: DuckDBConnection,
  sql: string,
  redact: Redactor = noRedaction,
): Promise<CheckedStatement> {
  const extracted = await countStatements(connection, sql, redact)
  if (extracted.count !== 1) {
    throw new StatementNotAllowed(`exactly one statement per request is allowed, got ${extracted.count}`)
  }
  return { extracted, refs: await assertParsedAllowed(connection, sql) }
}

/**
 * Step 4: the checked statement prepared (bound against the views), and its type checked again.
 * `source` is the statement extracted by steps 1-3, or the connection when steps 1-3 passed on the
 * same text earlier (a cached verdict: the text holds exactly one statement).
 */
export async function prepareChecked(
  source: ExtractedStatements | { byText: { connection: DuckDBConnection; sql: string } },
  redact: Redactor = noRedaction,
): Promise<DuckDBPreparedStatement> {
  let prepared: DuckDBPreparedStatement
  try {
    prepared = 'byText' in source ? await source.byText.connection.prepare(source.byText.sql) : await source.prepare(0)
  } catch (err) {
    throw toQueryError(err, redact)
  }
  const type = prepared.statementType
  if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN) {
    throw new StatementNotAllowed(`${statementTypeName(type)} statements are not allowed: ${ALLOWED}`)
  }
  return prepared
}

/** The one prepared, allowed statement of `sql`; StatementNotAllowed or SqlError otherwise. */
export async function prepareAllowed(
  connection: DuckDBConnection,
  sql: string,
  redact: Redactor = noRedaction,
): Promise<DuckDBPreparedStatement> {
  return prepareChecked((await checkStatement(connection, sql, redact)).extracted, redact)
}
