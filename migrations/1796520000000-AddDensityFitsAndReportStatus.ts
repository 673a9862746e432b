import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Fitting a reference and building a report are jobs of the results service: density_fits records each fit request
 * (queued → running → succeeded with the version it stored | failed with the reason), and density_reports gets the
 * same status (existing reports were built inside their request: succeeded).
 */
export class AddDensityFitsAndReportStatus1796520000000 implements MigrationInterface {
    name = 'AddDensityFitsAndReportStatus1796520000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "density_fits" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" uuid, "reference_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'queued', "fit_version_id" uuid, "recompute_job_id" text, "error" text, "error_code" text, "error_details" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_84a6cd10cc67849f7c9c863f473" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_density_fits_reference_created" ON "density_fits" ("reference_id", "created_at") `);
        await queryRunner.query(`ALTER TABLE "density_reports" ADD "status" text NOT NULL DEFAULT 'succeeded'`);
        await queryRunner.query(`ALTER TABLE "density_reports" ADD "error" text`);
        await queryRunner.query(`ALTER TABLE "density_reports" ADD "error_code" text`);
        await queryRunner.query(`ALTER TABLE "density_reports" ADD "finished_at" TIMESTAMP WITH TIME ZONE`);
        await queryRunner.query(`ALTER TABLE "density_fits" ADD CONSTRAINT "FK_eb5e34bbc0794143ed1030c1c93" FOREIGN KEY ("reference_id") REFERENCES "density_references"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_fits" ADD CONSTRAINT "FK_45a92ef7afb73e7301f7a7f5330" FOREIGN KEY ("fit_version_id") REFERENCES "density_fit_versions"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_fits" ADD CONSTRAINT "FK_density_fits_project" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "density_fits" DROP CONSTRAINT "FK_density_fits_project"`);
        await queryRunner.query(`ALTER TABLE "density_fits" DROP CONSTRAINT "FK_45a92ef7afb73e7301f7a7f5330"`);
        await queryRunner.query(`ALTER TABLE "density_fits" DROP CONSTRAINT "FK_eb5e34bbc0794143ed1030c1c93"`);
        await queryRunner.query(`ALTER TABLE "density_reports" DROP COLUMN "finished_at"`);
        await queryRunner.query(`ALTER TABLE "density_reports" DROP COLUMN "error_code"`);
        await queryRunner.query(`ALTER TABLE "density_reports" DROP COLUMN "error"`);
        await queryRunner.query(`ALTER TABLE "density_reports" DROP COLUMN "status"`);
        await queryRunner.query(`DROP INDEX "public"."idx_density_fits_reference_created"`);
        await queryRunner.query(`DROP TABLE "density_fits"`);
    }

}
