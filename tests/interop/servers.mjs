// OTLP servers written with other libraries than the project's, each decoding with the project's
// own .proto files (proto/): a gRPC server (@grpc/grpc-js + @grpc/proto-loader) serving
// LogsService/Export and TraceService/Export, and an HTTP server (node:http + protobufjs) taking
// POST /v1/logs and /v1/traces as protobuf or JSON, gzip or not. Both listen on 127.0.0.1 on a
// port the OS picks and keep every request they decode.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { isAbsolute, join } from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { PROTO_DIR, LOGS_SERVICE_PROTO, TRACE_SERVICE_PROTO } from './harness.mjs';

// int64/fixed64 as decimal strings, bytes as Buffers, enums as numbers, a oneof's set member
// named in `value`, absent fields left out: the same options for both decoders.
const DECODE = { longs: String, bytes: Buffer, enums: Number, defaults: false, oneofs: true };

export async function startGrpcServer() {
  const definition = protoLoader.loadSync([LOGS_SERVICE_PROTO, TRACE_SERVICE_PROTO], { ...DECODE, includeDirs: [PROTO_DIR] });
  const otlp = grpc.loadPackageDefinition(definition).opentelemetry.proto.collector;
  const requests = { logs: [], traces: [] };
  const server = new grpc.Server();
  server.addService(otlp.logs.v1.LogsService.service, {
    Export(call, callback) {
      requests.logs.push(call.request);
      callback(null, {});
    },
  });
  server.addService(otlp.trace.v1.TraceService.service, {
    Export(call, callback) {
      requests.traces.push(call.request);
      callback(null, {});
    },
  });
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    requests,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

// The project's .proto files through protobufjs, imports resolved against proto/.
function loadRoot() {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => (isAbsolute(target) ? target : join(PROTO_DIR, target));
  root.loadSync([LOGS_SERVICE_PROTO, TRACE_SERVICE_PROTO], { keepCase: false });
  return root;
}

export async function startHttpServer() {
  const root = loadRoot();
  const types = {
    '/v1/logs': {
      signal: 'logs',
      request: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
      response: root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
    },
    '/v1/traces': {
      signal: 'traces',
      request: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
      response: root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    },
  };
  // Each request as { signal, format, encoding, headers, body }: body the decoded object
  // (protobuf) or the parsed OTLP/JSON.
  const requests = [];
  const errors = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const fail = (status, why) => {
        errors.push(`${req.method} ${req.url}: ${why}`);
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(why);
      };
      const type = types[req.url];
      if (req.method !== 'POST' || !type) return fail(404, 'not an OTLP path');
      let bytes = Buffer.concat(chunks);
      const encoding = req.headers['content-encoding'] ?? '';
      try {
        if (encoding === 'gzip') bytes = gunzipSync(bytes);
        else if (encoding !== '') return fail(415, `content-encoding ${encoding}`);
      } catch (e) {
        return fail(400, `gzip: ${e.message}`);
      }
      const contentType = req.headers['content-type'] ?? '';
      try {
        if (contentType === 'application/x-protobuf') {
          const body = type.request.toObject(type.request.decode(bytes), DECODE);
          requests.push({ signal: type.signal, format: 'protobuf', encoding, headers: req.headers, body });
          res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(type.response.encode({}).finish());
        } else if (contentType === 'application/json') {
          const body = JSON.parse(bytes.toString('utf8'));
          requests.push({ signal: type.signal, format: 'json', encoding, headers: req.headers, body });
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
        } else {
          return fail(415, `content-type ${contentType}`);
        }
      } catch (e) {
        return fail(400, `decode: ${e.message}`);
      }
    });
  });
  const port = await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
  return {
    port,
    requests,
    errors,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
