'use strict';
/*
 * `--cpu-prof` for a child process where NODE_OPTIONS may not carry it (Node 20 refuses it there):
 * NODE_OPTIONS="--require bench/lib/cpu-prof-preload.js" BENCH_CPU_PROF_DIR=dir [BENCH_CPU_PROF_MATCH=apps/api/]
 * profiles every process whose main script matches and writes dir/<name>-<pid>.cpuprofile at exit
 * (open it in Chrome DevTools or speedscope).
 */
const dir = process.env.BENCH_CPU_PROF_DIR;
const match = process.env.BENCH_CPU_PROF_MATCH || '';
const main = process.argv[1] || '';
if (dir && main.includes(match)) {
  const fs = require('node:fs');
  const path = require('node:path');
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // The in-thread session answers synchronously, so this completes inside a signal or exit handler.
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      fs.mkdirSync(dir, { recursive: true });
      const name = path.basename(path.dirname(path.dirname(main)));
      fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  };
  process.on('exit', write);
  // Nest's shutdown hooks end the process by re-raising SIGTERM, which skips 'exit': write at the
  // first SIGTERM (once, so the re-raised signal still terminates).
  process.once('SIGTERM', write);
}
