// A recording stand-in for the Kubernetes API in the verified-switch end-to-end run: a real HTTP server on
// 127.0.0.1 holding one Service. GET returns it as compact JSON (as the API server does); PATCH applies a
// JSON merge patch (RFC 7386) and appends the request to RECORD_FILE, one JSON line per request. Requests
// without a bearer token or for another path get 401/404, like the real API would refuse them.
// POST /__reset restores the initial Service. Usage: node fake-kube-api.js PORT NAMESPACE SERVICE COLOUR
'use strict';
const fs = require('fs');
const http = require('http');

const [port, namespace, name, colour] = process.argv.slice(2);
const recordFile = process.env.RECORD_FILE;
const path = `/api/v1/namespaces/${namespace}/services/${name}`;
const initial = () => ({
  kind: 'Service',
  apiVersion: 'v1',
  metadata: { name, namespace, annotations: { 'delivery.ecommerce-platform/release': `${colour}:e2e` } },
  spec: { selector: { app: 'laravel', environment: colour }, ports: [{ name: 'http', port: 80 }] },
});
let service = initial();

function merge(target, patch) {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete out[key];
    } else {
      out[key] = merge(out[key], value);
    }
  }
  return out;
}

http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/__reset') {
      service = initial();
      res.writeHead(204).end();
      return;
    }
    if (!/^Bearer \S+$/.test(req.headers.authorization || '')) {
      res.writeHead(401).end('{"kind":"Status","code":401}');
      return;
    }
    if (req.url !== path) {
      res.writeHead(404).end('{"kind":"Status","code":404}');
      return;
    }
    if (req.method === 'PATCH') {
      if (req.headers['content-type'] !== 'application/merge-patch+json') {
        res.writeHead(415).end();
        return;
      }
      fs.appendFileSync(recordFile, JSON.stringify({ method: 'PATCH', path: req.url, body: JSON.parse(body) }) + '\n');
      service = merge(service, JSON.parse(body));
    } else if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(service));
  });
}).listen(Number(port), '127.0.0.1');
