import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('runs at most n calls at once, the others in arrival order, and frees a slot when a call fails', async () => {
    const limit = new ConcurrencyLimit(2);
    const started: string[] = [];
    const finish = new Map<string, (fail?: boolean) => void>();
    const call = (name: string) =>
      limit.run(
        () =>
          new Promise<string>((resolve, reject) => {
            started.push(name);
            finish.set(name, (fail) => (fail ? reject(new Error(name)) : resolve(name)));
          }),
      );
    const tick = () => new Promise((r) => setImmediate(r));
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(call);
    await tick();
    expect(started).toEqual(['a', 'b']);
    finish.get('b')!(true);
    await expect(b).rejects.toThrow('b');
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    finish.get('a')!();
    finish.get('c')!();
    await tick();
    finish.get('d')!();
    await expect(Promise.all([a, c, d])).resolves.toEqual(['a', 'c', 'd']);
  });
});
