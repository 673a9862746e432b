/**
 * Whether this process was started by npm (npx, npm exec, npm run), which sets npm_command for the
 * commands it runs. npm forwards a SIGTERM to the shell it ran the command in, not to the command: the
 * shell exits and the command is left running without its parent.
 */
export const launchedByNpm = (env: NodeJS.ProcessEnv = process.env): boolean => Boolean(env.npm_command);

/**
 * Calls `gone` once, when this process's parent has exited (it was re-parented); checks every `everyMs`
 * without keeping the process alive. Returns the function that stops watching.
 */
export function watchParent(gone: () => void, everyMs = 500): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
