import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { sha256, TaskRegistry } from '@app/benchmarks';
import { CustomBenchmarkEntity, findCustomTaskYaml } from '@app/database';

/**
 * The tasks this API knows: the built-in suite plus YAML tasks registered through the API, stored in
 * Postgres so that every replica (and the workers, through shard specs) sees the same definitions.
 * A name this process has not seen is looked up in Postgres before it is called unknown.
 */
@Injectable()
export class BenchmarkCatalog {
  constructor(
    readonly registry: TaskRegistry,
    @InjectRepository(CustomBenchmarkEntity) private readonly custom: Repository<CustomBenchmarkEntity>,
  ) {}

  /** Registers stored YAML tasks for names this process does not know yet. */
  async ensureKnown(names: string[]): Promise<void> {
    for (const name of names) {
      if (this.registry.has(name) || this.registry.hasGroup(name)) continue;
      const yaml = await this.yamlFor(name);
      if (yaml) await this.registry.registerYaml(yaml, { source: 'custom', replace: true, checkData: false });
    }
  }

  /** The stored YAML that defines a task or group, if it is a custom one. */
  yamlFor(name: string): Promise<string | null> {
    return findCustomTaskYaml(this.custom.manager, name);
  }

  /** Validates (data loaded, first documents rendered) and stores a YAML task; returns what it defines. */
  async register(yaml: string, replace: boolean): Promise<{ tasks: string[]; groups: string[] }> {
    const { tasks, groups } = await this.registry.registerYaml(yaml, { source: 'api', replace });
    const defines = [...tasks.map((t) => t.name), ...groups.map((g) => g.name)];
    await this.custom.save({ name: defines[0], yaml, sha256: sha256(yaml), defines });
    return { tasks: tasks.map((t) => t.name), groups: groups.map((g) => g.name) };
  }
}
