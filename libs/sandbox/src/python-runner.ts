/**
 * The Python launcher that runs a program inside the sandbox, the way openai/human-eval's
 * `check_correctness` does: `exec` of the whole program in a fresh `__main__` namespace, any
 * exception — SystemExit included, so an `exit()` in a completion cannot skip the tests — is a failure
 * with `failed: <reason>`.
 *
 * The runner reports on stderr through two lines tagged with a per-run random nonce:
 *   `<nonce> started` before the program, so the host can tell "the sandbox did not start" (an
 *   infrastructure error, thrown) from "the program failed", and
 *   `<nonce> passed` or `<nonce> failed ["ExcType", "message"]` after it, or `<nonce> cpu` when
 *   RLIMIT_CPU's soft limit (SIGXCPU) is reached — a handler, because under bubblewrap the program is
 *   PID 1 of its namespace, which ignores signals that have no handler,
 * then leaves with `os._exit`, so threads the program left behind cannot keep it alive. A program that
 * ends the interpreter itself (os._exit, a signal) never writes the final line and is a failure.
 * The nonce only guards against accidents (a program printing "passed"), not against a program that
 * deliberately reads its own command line.
 */
export const PYTHON_RUNNER = String.raw`
import sys, os, json, builtins, traceback, signal
def _densebench_run(path, nonce):
    write, exit_, fmt = os.write, os._exit, traceback.format_exception
    dumps = json.dumps
    def status(line):
        try:
            for s in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
                try:
                    s.flush()
                except BaseException:
                    pass
            write(2, ("\n" + nonce + " " + line + "\n").encode("utf-8", "replace"))
        except BaseException:
            pass
    def on_cpu_limit(signum, frame):
        status("cpu")
        exit_(128 + signum)
    try:
        signal.signal(signal.SIGXCPU, on_cpu_limit)
    except BaseException:
        pass
    status("started")
    g = {"__name__": "__main__", "__builtins__": builtins, "__file__": path}
    try:
        with open(path, encoding="utf-8") as f:
            src = f.read()
        exec(compile(src, path, "exec"), g)
    except BaseException as e:
        name, msg, tb = "MemoryError", "", ""
        try:
            name = type(e).__name__
        except BaseException:
            pass
        try:
            g.clear()
        except BaseException:
            pass
        try:
            msg = str(e)
        except BaseException:
            msg = ""
        try:
            tb = "".join(fmt(type(e), e, e.__traceback__.tb_next if e.__traceback__ else None))
        except BaseException:
            tb = ""
        del e
        try:
            write(2, tb.encode("utf-8", "replace"))
        except BaseException:
            pass
        try:
            line = "failed " + dumps([name, msg[:2000]])
        except BaseException:
            line = 'failed ["' + name + '", ""]'
        status(line)
        exit_(1)
    status("passed")
    exit_(0)
_densebench_run(sys.argv[1], sys.argv[2])
`;

/** What the runner's status lines say. */
export type RunnerOutcome =
  | { kind: 'passed' }
  | { kind: 'failed'; errorType: string; message: string }
  | { kind: 'cpu' };

export interface RunnerStatus {
  started: boolean;
  outcome?: RunnerOutcome;
}

/** Finds the runner's status lines and returns them with stderr cleaned of them. */
export function parseRunnerStatus(
  stderrHead: string,
  stderrTail: string,
  nonce: string,
): { status: RunnerStatus; cleanedHead: string } {
  const startedLine = `\n${nonce} started\n`;
  const started = stderrHead.includes(startedLine) || stderrTail.includes(startedLine);
  let outcome: RunnerStatus['outcome'];
  const idx = stderrTail.lastIndexOf(`\n${nonce} `);
  if (idx >= 0) {
    const line = stderrTail.slice(idx + nonce.length + 2).split('\n')[0];
    if (line === 'passed') outcome = { kind: 'passed' };
    else if (line === 'cpu') outcome = { kind: 'cpu' };
    else if (line.startsWith('failed ')) {
      let errorType = 'Exception';
      let message = '';
      try {
        const parsed = JSON.parse(line.slice('failed '.length));
        if (Array.isArray(parsed)) {
          errorType = String(parsed[0] ?? errorType);
          message = String(parsed[1] ?? '');
        }
      } catch {
        message = line.slice('failed '.length);
      }
      outcome = { kind: 'failed', errorType, message };
    }
  }
  const cleanedHead = stderrHead
    .split(`\n${nonce} `)
    .map((part, i) => (i === 0 ? part : part.slice(part.indexOf('\n') >= 0 ? part.indexOf('\n') + 1 : part.length)))
    .join('');
  return { status: { started, outcome }, cleanedHead };
}
