import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkersPage } from './WorkersPage';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('WorkersPage', () => {
  it('shows each worker\'s GPUs, the shard it runs and its actions', async () => {
    const workers = [
      {
        id: 'w1', name: 'gpu-box', hostname: 'h1', pools: ['h100', 'cpu'], backends: ['llama-cpp'], status: 'active', lastHeartbeatAt: '2026-01-02T03:04:05.000Z',
        info: { gpus: [{ name: 'NVIDIA H100', memoryTotalMiB: 81559, memoryUsedMiB: 1200, utilizationPct: 87 }] },
        currentShard: { id: 's1', runId: 'r1', benchmark: 'mmlu_anatomy', done: 12, total: 40 },
      },
      { id: 'w2', name: 'laptop', hostname: null, pools: ['cpu'], backends: ['llama-cpp'], status: 'draining', lastHeartbeatAt: null, info: {}, currentShard: null },
    ];
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(workers), { headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);
    render(<WorkersPage />);
    const row = (await screen.findByText('gpu-box (h1)')).closest('tr')!;
    const cells = within(row).getAllByRole('cell').map((c) => c.textContent);
    expect(cells.slice(1, 7)).toEqual(['h100, cpu', 'llama-cpp', 'NVIDIA H100 (1200/81559 MiB, 87%)', 'active', 'mmlu_anatomy 12/40', '2026-01-02 03:04:05']);
    expect(within(row).getByRole('link').getAttribute('href')).toBe('#/runs/r1');
    const idle = screen.getByText('laptop').closest('tr')!;
    expect(within(idle).getAllByRole('cell')[3].textContent).toBe('none');
    expect(within(idle).getByRole('button', { name: 'Drain laptop' })).toHaveProperty('disabled', true);
    expect(fetchMock.mock.calls[0]).toEqual(['/v1/workers?status=active&status=draining&status=lost', expect.anything()]);
  });
});
