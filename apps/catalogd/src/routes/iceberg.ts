import { type App, type Config, LakehouseError, NotFound, NotSupported, toLakehouseError } from '@lakehouse/shared'
import { ICEBERG_NAMESPACE, type IcebergErrorBody, icebergRoutes } from '@lakehouse/shared/contracts/iceberg.ts'
import { routeOptions } from '@lakehouse/shared/contracts/route.ts'
import type { Catalog } from '../catalog.ts'
import { icebergMetadataKey } from '../iceberg-layout.ts'
import { unmappedColumn } from '../iceberg-types.ts'
import type { IcebergWriter } from '../iceberg-writer.ts'
import type { CatalogStorage } from '../storage-port.ts'

// The read-only Iceberg REST catalog (ADR-016): one namespace, `lakehouse`, whose tables are the
// live datasets. A table's metadata is made sure of (written if missing) before it is answered, so
// the answer never points at an object that is not there. Errors take the spec's shape
// `{error: {message, type, code}}` inside this API only.

const NOT_SUPPORTED = 'not supported: write through /v1/ingest'

/** The spec's `endpoints` of /v1/config: what this server serves, so clients do not try the rest. */
const ENDPOINTS = [
  'GET /v1/{prefix}/namespaces',
  'GET /v1/{prefix}/namespaces/{namespace}',
  'HEAD /v1/{prefix}/namespaces/{namespace}',
  'GET /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
]

/**
 * The warehouse URI: configured, or where the objects are readable as they are. With s3 that is the
 * bucket. With fs it is the gateway's object route, not file:///: each object file on disk carries
 * storaged's 48-byte integrity trailer (ADR-002), so its bytes are not the object's (ADR-016).
 */
export function icebergWarehouse(config: Config): string {
  const configured = config.catalog.iceberg_warehouse
  if (configured) return configured.replace(/\/+$/, '')
  if (config.storage.backend === 's3') return `s3://${config.storage.s3.bucket}`
  const host = ['0.0.0.0', '::'].includes(config.server.host) ? '127.0.0.1' : config.server.host
  const authority = host.includes(':') ? `[${host}]` : host
  return `http://${authority}:${config.ports.gateway}/v1/storage/objects`
}

/** What a client needs besides the metadata to read the files (spec LoadTableResult.config). */
function storageConfig(config: Config): Record<string, string> {
  if (config.storage.backend !== 's3') return {}
  const s3 = config.storage.s3
  return {
    ...(s3.endpoint ? { 's3.endpoint': s3.endpoint } : {}),
    's3.path-style-access': String(s3.force_path_style),
    'client.region': s3.region,
  }
}

function errorType(status: number, params: unknown): string {
  if (status === 404) {
    return (params as { table?: string } | undefined)?.table ? 'NoSuchTableException' : 'NoSuchNamespaceException'
  }
  if (status === 406) return 'UnsupportedOperationException'
  if (status === 401) return 'NotAuthorizedException'
  if (status === 403) return 'ForbiddenException'
  if (status === 503) return 'ServiceUnavailableException'
  if (status >= 500) return 'ServiceFailureException'
  return 'BadRequestException'
}

function assertNamespace(namespace: string): void {
  if (namespace !== ICEBERG_NAMESPACE)
    throw new NotFound(`namespace ${namespace} does not exist: the one namespace is ${ICEBERG_NAMESPACE}`)
}

type IcebergErrorHandler = NonNullable<Parameters<App['route']>[0]['errorHandler']>

export interface IcebergRouteDeps {
  catalog: Catalog
  writer: IcebergWriter
  storage: CatalogStorage
  config: Config
}

export function registerIcebergRoutes(app: App, deps: IcebergRouteDeps): void {
  const { catalog, writer, storage, config } = deps
  const uri = (key: string) => `${writer.warehouse}/${key}`

  /** The live datasets Iceberg can describe (every column has an Iceberg type). */
  const tables = async () =>
    (await catalog.listDatasets()).datasets.filter((m) => unmappedColumn(m.schema) === undefined)

  const loadTable = async (namespace: string, table: string) => {
    assertNamespace(namespace)
    const latest = await catalog.getManifest(table).catch((err: unknown) => {
      if (err instanceof LakehouseError && err.status === 400) throw new NotFound(`table ${table} does not exist`)
      throw err
    })
    await writer.ensure(table)
    const key = icebergMetadataKey(table, latest.version)
    const metadata = JSON.parse((await storage.getBuffer(key)).toString('utf8'))
    return { 'metadata-location': uri(key), metadata, config: storageConfig(config) }
  }

  const errorHandler: IcebergErrorHandler = (err, req, reply) => {
    const mapped = toLakehouseError(err)
    if (mapped.status >= 500) req.log.error({ err }, 'iceberg request failed')
    const body: IcebergErrorBody = {
      error: { message: mapped.message, type: errorType(mapped.status, req.params), code: mapped.status },
    }
    reply.status(mapped.status).headers(mapped.headers).send(body)
  }

  app.route({
    ...routeOptions(icebergRoutes.config),
    errorHandler,
    handler: async () => ({ defaults: {}, overrides: {}, endpoints: ENDPOINTS }),
  })
  app.route({
    ...routeOptions(icebergRoutes.listNamespaces),
    errorHandler,
    handler: async (req) => {
      if (req.query.parent !== undefined) assertNamespace(req.query.parent)
      return { namespaces: req.query.parent === undefined ? [[ICEBERG_NAMESPACE]] : [] }
    },
  })
  // HEAD before its GET: Fastify then adds no HEAD twin of the GET.
  app.route({
    ...routeOptions(icebergRoutes.namespaceExists),
    errorHandler,
    handler: async (req, reply) => {
      assertNamespace(req.params.namespace)
      return reply.status(204).send()
    },
  })
  app.route({
    ...routeOptions(icebergRoutes.loadNamespace),
    errorHandler,
    handler: async (req) => {
      assertNamespace(req.params.namespace)
      return { namespace: [ICEBERG_NAMESPACE], properties: {} }
    },
  })
  app.route({
    ...routeOptions(icebergRoutes.listTables),
    errorHandler,
    handler: async (req) => {
      assertNamespace(req.params.namespace)
      const identifiers = (await tables()).map((m) => ({ namespace: [ICEBERG_NAMESPACE], name: m.name }))
      return { identifiers }
    },
  })
  // HEAD before its GET: Fastify then adds no HEAD twin of the GET.
  app.route({
    ...routeOptions(icebergRoutes.tableExists),
    errorHandler,
    handler: async (req, reply) => {
      assertNamespace(req.params.namespace)
      const names = new Set((await tables()).map((m) => m.name))
      if (!names.has(req.params.table)) throw new NotFound(`table ${req.params.table} does not exist`)
      return reply.status(204).send()
    },
  })
  app.route({
    ...routeOptions(icebergRoutes.loadTable),
    errorHandler,
    handler: async (req) => loadTable(req.params.namespace, req.params.table),
  })
  const refuse = async () => {
    throw new NotSupported(NOT_SUPPORTED)
  }
  for (const route of [
    icebergRoutes.createNamespace,
    icebergRoutes.dropNamespace,
    icebergRoutes.updateNamespace,
    icebergRoutes.createTable,
    icebergRoutes.registerTable,
    icebergRoutes.commitTable,
    icebergRoutes.dropTable,
    icebergRoutes.renameTable,
    icebergRoutes.commitTransaction,
  ]) {
    app.route({ ...routeOptions(route), errorHandler, handler: refuse })
  }
}
