// A stand-in for the app's pods in the verified-switch end-to-end run: serves, on 127.0.0.1 only, the
// request counter and latency histogram the SLO recording rules read, for both colours. Traffic grows with
// wall-clock time; the file named by MODE_FILE says whether TARGET_COLOUR currently fails requests
// ("errors": 20 % of them answer 503) or is healthy. Usage: node release-exporter.js PORT
'use strict';
const fs = require('fs');
const http = require('http');

const port = Number(process.argv[2]);
const modeFile = process.env.MODE_FILE;
const target = process.env.TARGET_COLOUR;
const namespace = process.env.APP_NAMESPACE || 'ecommerce';
const RATE = 50; // requests per second per colour
const BUCKETS = ['0.05', '0.1', '0.2', '0.5', '1', '+Inf'];
const state = {};
let last = Date.now();

function colourState(colour) {
  state[colour] = state[colour] || { ok: 0, failed: 0, buckets: BUCKETS.map(() => 0), sum: 0 };
  return state[colour];
}

function advance() {
  const now = Date.now();
  const requests = (RATE * (now - last)) / 1000;
  last = now;
  const mode = fs.existsSync(modeFile) ? fs.readFileSync(modeFile, 'utf8').trim() : 'healthy';
  for (const colour of ['blue', 'green']) {
    const s = colourState(colour);
    const failing = colour === target && mode === 'errors' ? 0.2 : 0;
    s.ok += requests * (1 - failing);
    s.failed += requests * failing;
    // Every request takes 80 ms: inside the 0.1 s bucket.
    s.buckets = s.buckets.map((count, i) => (Number(BUCKETS[i]) >= 0.08 || BUCKETS[i] === '+Inf' ? count + requests : count));
    s.sum += requests * 0.08;
  }
}

const server = http.createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  advance();
  const lines = ['# TYPE http_requests_total counter', '# TYPE http_request_duration_seconds histogram'];
  for (const colour of ['blue', 'green']) {
    const s = colourState(colour);
    const labels = `namespace="${namespace}",environment="${colour}"`;
    lines.push(`http_requests_total{${labels},status="200"} ${s.ok}`);
    lines.push(`http_requests_total{${labels},status="503"} ${s.failed}`);
    BUCKETS.forEach((le, i) => lines.push(`http_request_duration_seconds_bucket{${labels},le="${le}"} ${s.buckets[i]}`));
    lines.push(`http_request_duration_seconds_count{${labels}} ${s.buckets[BUCKETS.length - 1]}`);
    lines.push(`http_request_duration_seconds_sum{${labels}} ${s.sum}`);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(lines.join('\n') + '\n');
});
server.listen(port, '127.0.0.1');
