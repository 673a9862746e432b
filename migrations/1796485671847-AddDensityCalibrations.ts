import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * density_calibrations: a reference family calibrated by running its members (status, benchmarks, the fit version it
 * produced or why it failed; Idempotency-Key unique); density_calibration_runs: the runs it submitted, found by run id
 * when a run ends.
 */
export class AddDensityCalibrations1796485671847 implements MigrationInterface {
    name = 'AddDensityCalibrations1796485671847'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "density_calibrations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'running', "benchmarks" jsonb NOT NULL, "benchmark_keys" text array NOT NULL, "pool" text NOT NULL, "priority" integer NOT NULL DEFAULT '0', "shard_size" integer, "seed" integer NOT NULL, "idempotency_key" text, "fit_version_id" uuid, "error" text, "error_code" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_8c4d37fc9b9b4e991b62e33325e" UNIQUE ("idempotency_key"), CONSTRAINT "PK_59a7b492fa68b3362b0ff5e640d" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_density_calibrations_status" ON "density_calibrations" ("status") `);
        await queryRunner.query(`CREATE INDEX "idx_density_calibrations_reference_created" ON "density_calibrations" ("reference_id", "created_at") `);
        await queryRunner.query(`CREATE TABLE "density_calibration_runs" ("calibration_id" uuid NOT NULL, "run_id" uuid NOT NULL, CONSTRAINT "PK_1a3a5a696e7ecf7b10ca692ebb4" PRIMARY KEY ("calibration_id", "run_id"))`);
        await queryRunner.query(`CREATE INDEX "idx_density_calibration_runs_run" ON "density_calibration_runs" ("run_id") `);
        await queryRunner.query(`ALTER TABLE "density_calibrations" ADD CONSTRAINT "FK_f125ba92e23c2ea9b4b88535380" FOREIGN KEY ("reference_id") REFERENCES "density_references"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_calibrations" ADD CONSTRAINT "FK_9f1ad19c5527947ad4379a22949" FOREIGN KEY ("fit_version_id") REFERENCES "density_fit_versions"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_calibration_runs" ADD CONSTRAINT "FK_74f87ebdfb535a0480bad5e7b9a" FOREIGN KEY ("calibration_id") REFERENCES "density_calibrations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_calibration_runs" ADD CONSTRAINT "FK_d255d8863d1615c1c35f5a58922" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "density_calibration_runs" DROP CONSTRAINT "FK_d255d8863d1615c1c35f5a58922"`);
        await queryRunner.query(`ALTER TABLE "density_calibration_runs" DROP CONSTRAINT "FK_74f87ebdfb535a0480bad5e7b9a"`);
        await queryRunner.query(`ALTER TABLE "density_calibrations" DROP CONSTRAINT "FK_9f1ad19c5527947ad4379a22949"`);
        await queryRunner.query(`ALTER TABLE "density_calibrations" DROP CONSTRAINT "FK_f125ba92e23c2ea9b4b88535380"`);
        await queryRunner.query(`DROP INDEX "public"."idx_density_calibration_runs_run"`);
        await queryRunner.query(`DROP TABLE "density_calibration_runs"`);
        await queryRunner.query(`DROP INDEX "public"."idx_density_calibrations_reference_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_density_calibrations_status"`);
        await queryRunner.query(`DROP TABLE "density_calibrations"`);
    }

}
