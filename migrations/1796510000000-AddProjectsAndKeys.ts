import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Projects, API keys, enrollment tokens and the audit log. Every existing run, model, custom task,
 * reference, import, report and calibration goes to the project "default"; built-in references and the
 * models they import (builtin IS NOT NULL / imported) stay global (project_id NULL). Model names and
 * run idempotency keys become unique per project (built-in models: NULLS NOT DISTINCT, PostgreSQL 15+).
 */
export class AddProjectsAndKeys1796510000000 implements MigrationInterface {
    name = 'AddProjectsAndKeys1796510000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        const q = (sql: string) => queryRunner.query(sql);
        await q(`CREATE TABLE "projects" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_projects_name" UNIQUE ("name"), CONSTRAINT "PK_projects" PRIMARY KEY ("id"))`);
        await q(`INSERT INTO "projects" ("id", "name") VALUES ('00000000-0000-4000-8000-000000000001', 'default')`);
        await q(`CREATE TABLE "api_keys" ("id" uuid NOT NULL, "name" text NOT NULL, "role" text NOT NULL, "project_id" uuid, "secret_hash" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"), CONSTRAINT "CHK_api_keys_role" CHECK ("role" IN ('admin', 'operator', 'member', 'viewer')), CONSTRAINT "CHK_api_keys_project" CHECK (("role" IN ('member', 'viewer')) = ("project_id" IS NOT NULL)), CONSTRAINT "FK_api_keys_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE)`);
        await q(`CREATE TABLE "enrollment_tokens" ("id" uuid NOT NULL, "name" text NOT NULL, "secret_hash" text NOT NULL, "pools" text array, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_enrollment_tokens" PRIMARY KEY ("id"))`);
        await q(`CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_kind" text NOT NULL, "actor_id" uuid, "actor_name" text, "project_id" uuid, "action" text NOT NULL, "target_id" text, "status" integer NOT NULL, "ip" text, CONSTRAINT "PK_audit_log" PRIMARY KEY ("id"))`);
        await q(`CREATE INDEX "idx_audit_log_at" ON "audit_log" ("at")`);
        const dflt = `'00000000-0000-4000-8000-000000000001'`;
        // Rows written without a project (older clients, direct SQL) go to "default"; the API always names one.
        for (const table of ['runs', 'custom_benchmarks']) {
            await q(`ALTER TABLE "${table}" ADD "project_id" uuid NOT NULL DEFAULT ${dflt}`);
            await q(`ALTER TABLE "${table}" ADD CONSTRAINT "FK_${table}_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT`);
        }
        for (const table of ['models', 'density_references', 'density_imports', 'density_reports', 'density_calibrations']) {
            await q(`ALTER TABLE "${table}" ADD "project_id" uuid DEFAULT ${dflt}`);
            await q(`ALTER TABLE "${table}" ADD CONSTRAINT "FK_${table}_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT`);
        }
        // Built-in families, their members and their import are global.
        await q(`UPDATE "density_references" SET "project_id" = NULL WHERE "builtin" IS NOT NULL`);
        await q(`UPDATE "models" SET "project_id" = NULL WHERE "backend"->>'kind' = 'imported' AND EXISTS (SELECT 1 FROM "density_reference_members" m JOIN "density_references" r ON r.id = m.reference_id WHERE m.model_id = "models"."id" AND r.builtin IS NOT NULL)`);
        await q(`UPDATE "density_imports" SET "project_id" = NULL WHERE "format" = 'builtin'`);
        await q(`ALTER TABLE "models" DROP CONSTRAINT "UQ_3492c71396207453cf17c0928fb"`);
        await q(`CREATE UNIQUE INDEX "uq_models_project_name" ON "models" ("project_id", "name") NULLS NOT DISTINCT`);
        await q(`ALTER TABLE "runs" DROP CONSTRAINT "UQ_4532d804ae44cf47f4bbbc5e7f9"`);
        await q(`CREATE UNIQUE INDEX "uq_runs_project_idempotency_key" ON "runs" ("project_id", "idempotency_key")`);
        await q(`CREATE INDEX "idx_runs_project_created" ON "runs" ("project_id", "created_at")`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        const q = (sql: string) => queryRunner.query(sql);
        await q(`DROP INDEX "idx_runs_project_created"`);
        await q(`DROP INDEX "uq_runs_project_idempotency_key"`);
        await q(`ALTER TABLE "runs" ADD CONSTRAINT "UQ_4532d804ae44cf47f4bbbc5e7f9" UNIQUE ("idempotency_key")`);
        await q(`DROP INDEX "uq_models_project_name"`);
        await q(`ALTER TABLE "models" ADD CONSTRAINT "UQ_3492c71396207453cf17c0928fb" UNIQUE ("name")`);
        for (const table of ['runs', 'custom_benchmarks', 'models', 'density_references', 'density_imports', 'density_reports', 'density_calibrations']) {
            await q(`ALTER TABLE "${table}" DROP CONSTRAINT "FK_${table}_project"`);
            await q(`ALTER TABLE "${table}" DROP COLUMN "project_id"`);
        }
        await q(`DROP TABLE "audit_log"`);
        await q(`DROP TABLE "enrollment_tokens"`);
        await q(`DROP TABLE "api_keys"`);
        await q(`DROP TABLE "projects"`);
    }

}
