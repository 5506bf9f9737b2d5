// citeproc-js side of benchmarks/editor_session.py.
//
// Reads one JSON request per line on stdin and answers one JSON line each:
//   {"op": "init", "style": XML, "locale": XML, "items": [CSL-JSON ...]}
//       -> {"ok": true}
//   {"op": "cluster", "citation": {...}, "pre": [[id, note], ...], "post": [[id, note], ...]}
//       -> {"ms": engine milliseconds, "cpu_ms": the CPU milliseconds of the same
//           call (process.cpuUsage, so time spent waiting for a busy CPU
//           counts in "ms" only), "changed": [[index, text, id], ...]}
// The time is taken around processCitationCluster alone, so pipe and JSON
// costs count for citekit's server but not for citeproc-js (in its favour).
"use strict";

const readline = require("readline");
const path = require("path");

const CSL = require(path.join(__dirname, "node_modules", "citeproc"));

let engine = null;

function init(request) {
  const byId = new Map(request.items.map((item) => [String(item.id), item]));
  const sys = {
    retrieveLocale: () => request.locale,
    retrieveItem: (id) => byId.get(String(id)),
  };
  engine = new CSL.Engine(sys, request.style, "en-US", true);
  engine.setOutputFormat("text");
  return { ok: true };
}

function cluster(request) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const answer = engine.processCitationCluster(request.citation, request.pre, request.post);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpu_ms: (used.user + used.system) / 1000, changed: answer[1] };
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  if (!line.trim()) return;
  const request = JSON.parse(line);
  let answer;
  try {
    answer = request.op === "init" ? init(request) : cluster(request);
  } catch (error) {
    answer = { error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
