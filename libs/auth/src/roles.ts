/**
 * Roles and what each may do. Admins and operators are global; members and viewers belong to one
 * project and see nothing of another.
 */
export enum Role {
  Admin = 'admin',
  Operator = 'operator',
  Member = 'member',
  Viewer = 'viewer',
}

export enum Permission {
  /** Read runs, models, tasks, references, imports, reports and artifacts (of the key's project, or all). */
  Read = 'read',
  /** Submit and cancel runs, register models and tasks, fit and import (in the key's project). */
  Write = 'write',
  /** Workers, pools and enrollment tokens. */
  Operate = 'operate',
  /** Prometheus metrics (they name runs and workers of every project). */
  Metrics = 'metrics',
  /** Keys, projects and the audit log. */
  Admin = 'admin',
}

const PERMISSIONS: Record<Role, readonly Permission[]> = {
  [Role.Admin]: Object.values(Permission),
  [Role.Operator]: [Permission.Read, Permission.Operate, Permission.Metrics],
  [Role.Member]: [Permission.Read, Permission.Write],
  [Role.Viewer]: [Permission.Read],
};

export const can = (role: Role, permission: Permission): boolean => PERMISSIONS[role].includes(permission);

export const isProjectRole = (role: Role): boolean => role === Role.Member || role === Role.Viewer;

export const ROLES = Object.values(Role);

/** Who a request acts as. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
  /** The key's project (members, viewers); null for global keys. */
  projectId: string | null;
}

/**
 * What a request may see: one project (plus what is built in), or every project. Services filter every
 * query by it; a row of another project is "not found", never "forbidden", so ids leak nothing.
 */
export interface ProjectScope {
  /** null: every project. */
  projectId: string | null;
}

export const ALL_PROJECTS: ProjectScope = { projectId: null };

export const scopeOf = (p: Principal): ProjectScope => ({ projectId: p.projectId });

/** True when a row of project `owner` (null: built in) is visible within the scope. */
export const inScope = (scope: ProjectScope, owner: string | null): boolean =>
  scope.projectId === null || owner === null || owner === scope.projectId;

/** The project new rows go to: the key's project, or (global keys) the project "default". */
export const ownerProject = (scope: ProjectScope, defaultProjectId: string): string => scope.projectId ?? defaultProjectId;

/**
 * A SQL condition limiting `column` to the scope (rows of the project, and built-in rows whose
 * project is null), with its parameter appended to `params`; TRUE for every project.
 */
export function scopeSql(column: string, scope: ProjectScope, params: unknown[]): string {
  if (scope.projectId === null) return 'TRUE';
  params.push(scope.projectId);
  return `(${column} = $${params.length} OR ${column} IS NULL)`;
}
