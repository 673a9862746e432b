import { DensebenchClient, RunView } from '../api-client';

type Reference = { name: string; builtin: string | null; latestVersion: number | null };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * On a fresh install the results service fits the built-in reference at its first start (seconds of CPU), and a
 * short run can finish first. Waits (once a second, up to `timeoutMs`) until every built-in reference is fitted
 * and the run's densities against it are stored, then returns the run's final view.
 */
export async function waitForBuiltinDensity(client: DensebenchClient, run: RunView, say: (line: string) => void, timeoutMs = 180_000): Promise<RunView> {
  if (run.status !== 'succeeded' || process.env.DENSEBENCH_BUILTIN_REFERENCES === 'none') return run;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const builtins = (await client.get<Reference[]>('/v1/density/references')).filter((r) => r.builtin);
    const fitted = builtins.filter((r) => r.latestVersion !== null).map((r) => r.name);
    const view = await client.get<RunView>(`/v1/runs/${run.id}`);
    const measured = new Set(view.density?.references.map((r) => r.reference) ?? []);
    if (builtins.length > 0 && fitted.length === builtins.length && fitted.every((name) => measured.has(name))) return view;
    if (Date.now() > deadline) {
      say(`  the built-in reference is not fitted yet (${fitted.length}/${builtins.length} after ${timeoutMs / 1000} s): see the results service's log`);
      return view;
    }
    if (!told) {
      say('  waiting for the built-in Pythia reference to be fitted (once per installation, about 10 s) …');
      told = true;
    }
    await sleep(1000);
  }
}
