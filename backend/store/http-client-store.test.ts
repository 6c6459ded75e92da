// The store suite through the HTTP engine's own code (@clickhouse/client: query, exec with a body stream, query
// parameters, streaming reads) with chDB plugged in as the client's connection (chdb/connection) — everything of
// server mode except the wire, which http-engine.test.ts covers against local HTTP servers.
import { storeSuite } from '../testing/store-suite.js';

storeSuite('client-over-chdb');
