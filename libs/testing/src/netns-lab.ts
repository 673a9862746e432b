import { execFileSync } from 'node:child_process';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' }).toString();

export interface LabHost {
  ns: string;
  address: string;
  /** The host's link: its veth end on the server's bridge (down = cut off). */
  link: string;
}

/**
 * Hosts on a private network of Linux network namespaces: the server host is this namespace's bridge
 * (10.211.N.1/24), each worker host a namespace of its own joined to it by a veth pair (10.211.N.2, .3, …)
 * and reachable only through it. Nothing touches the machine's other interfaces, and services listen on
 * the bridge's address only. Needs root and iproute2; create() says why when it cannot make them.
 */
export class NetnsLab {
  private constructor(
    readonly bridge: string,
    readonly serverAddress: string,
    readonly hosts: LabHost[],
  ) {}

  static create(hostCount: number): NetnsLab | { skip: string } {
    const id = String(process.pid % 10_000);
    const subnet = `10.211.${process.pid % 200 + 20}`;
    const bridge = `dbbr${id}`;
    const lab = new NetnsLab(bridge, `${subnet}.1`, []);
    try {
      ip('link', 'add', bridge, 'type', 'bridge');
      ip('addr', 'add', `${subnet}.1/24`, 'dev', bridge);
      ip('link', 'set', bridge, 'up');
      for (let i = 0; i < hostCount; i++) {
        const ns = `dbw${id}-${i}`;
        const link = `dbv${id}h${i}`;
        const inner = `dbv${id}n${i}`;
        const address = `${subnet}.${i + 2}`;
        ip('netns', 'add', ns);
        lab.hosts.push({ ns, address, link });
        ip('link', 'add', link, 'type', 'veth', 'peer', 'name', inner);
        ip('link', 'set', inner, 'netns', ns);
        ip('link', 'set', link, 'master', bridge);
        ip('link', 'set', link, 'up');
        ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', inner);
        ip('-n', ns, 'link', 'set', inner, 'up');
        ip('-n', ns, 'link', 'set', 'lo', 'up');
      }
      return lab;
    } catch (err) {
      lab.destroy();
      const e = err as { stderr?: Buffer; message: string };
      return { skip: `network namespaces cannot be made here (${(e.stderr?.toString() || e.message).trim()}): run as root on Linux with iproute2` };
    }
  }

  /** The command prefix that runs a process on host i. */
  wrap(i: number): string[] {
    return ['ip', 'netns', 'exec', this.hosts[i].ns];
  }

  cut(i: number): void {
    ip('link', 'set', this.hosts[i].link, 'down');
  }

  restore(i: number): void {
    ip('link', 'set', this.hosts[i].link, 'up');
  }

  destroy(): void {
    for (const h of this.hosts) {
      try {
        ip('link', 'del', h.link);
      } catch {
        /* gone with its namespace */
      }
      try {
        ip('netns', 'del', h.ns);
      } catch {
        /* never made */
      }
    }
    try {
      ip('link', 'del', this.bridge);
    } catch {
      /* never made */
    }
  }
}
