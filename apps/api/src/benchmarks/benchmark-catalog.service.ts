import { Injectable } from '@nestjs/common';
import { parseTaskYaml, sha256, TaskRegistry } from '@app/benchmarks';
import { ownerProject } from '@app/auth';
import type { ProjectScope } from '@app/auth';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { CustomBenchmarksRepository, DEFAULT_PROJECT_ID } from '@app/database';

/**
 * The tasks this API knows: the built-in suite plus YAML tasks registered through the API, stored in
 * Postgres so that every replica (and the workers, through shard specs) sees the same definitions.
 * A name this process has not seen is looked up in Postgres before it is called unknown.
 */
@Injectable()
export class BenchmarkCatalog {
  constructor(
    readonly registry: TaskRegistry,
    private readonly custom: CustomBenchmarksRepository,
  ) {}

  /** Registers stored YAML tasks for names this process does not know yet. */
  async ensureKnown(names: string[]): Promise<void> {
    for (const name of names) {
      if (this.registry.has(name) || this.registry.hasGroup(name)) continue;
      const yaml = await this.yamlFor(name);
      if (yaml) await this.registry.registerYaml(yaml, { source: 'custom', replace: true, checkData: false });
    }
  }

  /**
   * Like ensureKnown, and refuses (as unknown) a custom task or group of another project: a project's
   * tasks are visible to it alone; built-in ones to all.
   */
  async ensureVisible(names: string[], scope: ProjectScope): Promise<void> {
    await this.ensureKnown(names);
    const hidden = await this.hiddenNames(scope);
    const unseen = names.find((n) => hidden.has(n));
    if (unseen) throw notFound('benchmark', unseen);
  }

  /** Names of the custom tasks and groups of other projects than the scope's. */
  async hiddenNames(scope: ProjectScope): Promise<Set<string>> {
    if (scope.projectId === null) return new Set();
    return new Set(await this.custom.namesOfOtherProjects(scope.projectId));
  }

  /** The stored YAML that defines a task or group, if it is a custom one. */
  yamlFor(name: string): Promise<string | null> {
    return this.custom.yamlFor(name);
  }

  /** Validates (data loaded, first documents rendered) and stores a YAML task; returns what it defines. */
  async register(yaml: string, replace: boolean, scope: ProjectScope): Promise<{ tasks: string[]; groups: string[] }> {
    const projectId = ownerProject(scope, DEFAULT_PROJECT_ID);
    // Another project's task of the same name is neither replaced nor revealed: the name is taken.
    const names = parseTaskYaml(yaml, 'api').map((d) => String((d.config as { task?: string; group?: string }).task ?? (d.config as { group?: string }).group));
    const taken = await this.custom.firstTakenName(projectId, names);
    if (taken) throw new DomainException(ErrorCode.Conflict, `the benchmark name "${taken}" is taken: choose another`);
    const { tasks, groups } = await this.registry.registerYaml(yaml, { source: 'api', replace });
    const defines = [...tasks.map((t) => t.name), ...groups.map((g) => g.name)];
    await this.custom.save({ name: defines[0], projectId, yaml, sha256: sha256(yaml), defines });
    return { tasks: tasks.map((t) => t.name), groups: groups.map((g) => g.name) };
  }
}
