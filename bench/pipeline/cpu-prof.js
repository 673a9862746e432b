'use strict';
/*
 * Preloaded with NODE_OPTIONS="--require bench/pipeline/cpu-prof.js" (node refuses --cpu-prof in
 * NODE_OPTIONS): profiles the whole process with the inspector and writes
 * $BENCH_CPU_PROF_DIR/<script>-<pid>.cpuprofile when it exits (open in Chrome DevTools).
 */
const fs = require('node:fs');
const path = require('node:path');
const { Session } = require('node:inspector');

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    // An in-thread session answers synchronously, so this also works in the exit handler.
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      const name = `${path.basename(path.dirname(path.dirname(process.argv[1] || 'node')))}-${process.pid}.cpuprofile`;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, name), JSON.stringify(res.profile));
    });
  };
  process.on('exit', write);
  // Nest's shutdown hooks end the process by re-raising SIGTERM: write at the first SIGTERM, and exit
  // at a later one once Nest's own listener is gone.
  process.on('SIGTERM', function onTerm() {
    write();
    if (process.listenerCount('SIGTERM') === 1) process.exit(0);
  });
}
