import { MigrationInterface, QueryRunner } from "typeorm";

export class AddDensity1795460113907 implements MigrationInterface {
    name = 'AddDensity1795460113907'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "density_references" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "description" text, "d0_tokens" double precision NOT NULL, "frontier_rule" text NOT NULL DEFAULT 'record', "benchmarks" text array, "metrics" jsonb NOT NULL DEFAULT '{}', "is_default" boolean NOT NULL DEFAULT false, "at_run_end" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_70e8c0e5d668716f5c2c50a7633" UNIQUE ("name"), CONSTRAINT "PK_3cafde6918e0626771cd193378e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "density_fit_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference_id" uuid NOT NULL, "version" integer NOT NULL, "d0_tokens" double precision NOT NULL, "metrics" jsonb NOT NULL, "calibration" jsonb NOT NULL, "data_points" jsonb NOT NULL, "quality" jsonb NOT NULL, "warnings" jsonb NOT NULL DEFAULT '[]', "library" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b169a5f1f5e7c8f9cb494e08615" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_density_fit_versions_reference_version" ON "density_fit_versions" ("reference_id", "version") `);
        await queryRunner.query(`CREATE TABLE "densities" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "fit_version_id" uuid NOT NULL, "reference_id" uuid NOT NULL, "subject_kind" text NOT NULL, "subject_id" uuid NOT NULL, "model_id" uuid NOT NULL, "run_id" uuid, "benchmark" text NOT NULL, "metric" text, "score" double precision, "score_source" text, "params" double precision NOT NULL, "loss_hat" double precision, "effective_params" double precision, "density" double precision, "undefined_reason" text, "message" text, "extrapolated" jsonb, "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_69a2ab74f3ff4be9ed2af59cfce" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_densities_model" ON "densities" ("model_id") `);
        await queryRunner.query(`CREATE INDEX "idx_densities_run" ON "densities" ("run_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_densities_subject" ON "densities" ("fit_version_id", "subject_kind", "subject_id", "benchmark") `);
        await queryRunner.query(`CREATE TABLE "density_imports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "format" text NOT NULL, "file_name" text, "source" text, "provenance" jsonb NOT NULL DEFAULT '{}', "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a397f6ecf3264c0c2a52ffb5eff" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "density_imported_scores" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "import_id" uuid NOT NULL, "model_id" uuid NOT NULL, "benchmark" text NOT NULL, "metric" text, "value" double precision NOT NULL, "stderr" double precision, CONSTRAINT "PK_8a569da2ab4c8e9e43fd4e5a439" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_density_imported_scores_model" ON "density_imported_scores" ("model_id", "benchmark") `);
        await queryRunner.query(`CREATE TABLE "density_reference_members" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference_id" uuid NOT NULL, "model_id" uuid NOT NULL, "role" text NOT NULL DEFAULT 'both', "measurements" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_7a4c396fd0a73ea19c25166c535" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_density_reference_members" ON "density_reference_members" ("reference_id", "model_id") `);
        await queryRunner.query(`CREATE TABLE "density_reports" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "reference_id" uuid, "fit_version_id" uuid, "title" text, "query" jsonb NOT NULL, "files" jsonb NOT NULL DEFAULT '[]', "summary" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0f043d5e352c858908e923c9c89" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "run_efficiency" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "run_id" uuid NOT NULL, "benchmark" text NOT NULL, "metric" text, "score" double precision NOT NULL, "items" integer NOT NULL, "input_tokens" double precision NOT NULL, "output_tokens" double precision NOT NULL, "busy_ms" double precision NOT NULL, "cost_usd" double precision, "pricing" jsonb NOT NULL, "token_value" jsonb NOT NULL, "cost_density" jsonb NOT NULL, "compute_density" jsonb NOT NULL, "score_per_1k_output_tokens" double precision, "score_per_dollar" double precision, "score_per_tflop" double precision, "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_06675d7dcadb316cb1a86845ec2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_run_efficiency_run_benchmark" ON "run_efficiency" ("run_id", "benchmark") `);
        await queryRunner.query(`ALTER TABLE "density_fit_versions" ADD CONSTRAINT "FK_dbc4b75b59ce69e324998e02e94" FOREIGN KEY ("reference_id") REFERENCES "density_references"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "densities" ADD CONSTRAINT "FK_12f5d6d6826e32ac3e1fec8e8a0" FOREIGN KEY ("fit_version_id") REFERENCES "density_fit_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "densities" ADD CONSTRAINT "FK_5279fc507d9420c379850802048" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "densities" ADD CONSTRAINT "FK_161615583033ac7a405b6c619f3" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_imported_scores" ADD CONSTRAINT "FK_5526bf954e7b17dcd9cd183a1c7" FOREIGN KEY ("import_id") REFERENCES "density_imports"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_imported_scores" ADD CONSTRAINT "FK_f12136bd2ece1effa63b0062d0b" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_reference_members" ADD CONSTRAINT "FK_ae0cbc4313ec1ae17feb1793435" FOREIGN KEY ("reference_id") REFERENCES "density_references"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_reference_members" ADD CONSTRAINT "FK_d5d5dc6cc75c8ebb40cd2d8863d" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "density_reports" ADD CONSTRAINT "FK_9f8cfe8a680c171f21b76fc7afd" FOREIGN KEY ("reference_id") REFERENCES "density_references"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "run_efficiency" ADD CONSTRAINT "FK_7eb0b93c223ee36cbaf306bc19c" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "run_efficiency" DROP CONSTRAINT "FK_7eb0b93c223ee36cbaf306bc19c"`);
        await queryRunner.query(`ALTER TABLE "density_reports" DROP CONSTRAINT "FK_9f8cfe8a680c171f21b76fc7afd"`);
        await queryRunner.query(`ALTER TABLE "density_reference_members" DROP CONSTRAINT "FK_d5d5dc6cc75c8ebb40cd2d8863d"`);
        await queryRunner.query(`ALTER TABLE "density_reference_members" DROP CONSTRAINT "FK_ae0cbc4313ec1ae17feb1793435"`);
        await queryRunner.query(`ALTER TABLE "density_imported_scores" DROP CONSTRAINT "FK_f12136bd2ece1effa63b0062d0b"`);
        await queryRunner.query(`ALTER TABLE "density_imported_scores" DROP CONSTRAINT "FK_5526bf954e7b17dcd9cd183a1c7"`);
        await queryRunner.query(`ALTER TABLE "densities" DROP CONSTRAINT "FK_161615583033ac7a405b6c619f3"`);
        await queryRunner.query(`ALTER TABLE "densities" DROP CONSTRAINT "FK_5279fc507d9420c379850802048"`);
        await queryRunner.query(`ALTER TABLE "densities" DROP CONSTRAINT "FK_12f5d6d6826e32ac3e1fec8e8a0"`);
        await queryRunner.query(`ALTER TABLE "density_fit_versions" DROP CONSTRAINT "FK_dbc4b75b59ce69e324998e02e94"`);
        await queryRunner.query(`DROP INDEX "public"."uq_run_efficiency_run_benchmark"`);
        await queryRunner.query(`DROP TABLE "run_efficiency"`);
        await queryRunner.query(`DROP TABLE "density_reports"`);
        await queryRunner.query(`DROP INDEX "public"."uq_density_reference_members"`);
        await queryRunner.query(`DROP TABLE "density_reference_members"`);
        await queryRunner.query(`DROP INDEX "public"."idx_density_imported_scores_model"`);
        await queryRunner.query(`DROP TABLE "density_imported_scores"`);
        await queryRunner.query(`DROP TABLE "density_imports"`);
        await queryRunner.query(`DROP INDEX "public"."uq_densities_subject"`);
        await queryRunner.query(`DROP INDEX "public"."idx_densities_run"`);
        await queryRunner.query(`DROP INDEX "public"."idx_densities_model"`);
        await queryRunner.query(`DROP TABLE "densities"`);
        await queryRunner.query(`DROP INDEX "public"."uq_density_fit_versions_reference_version"`);
        await queryRunner.query(`DROP TABLE "density_fit_versions"`);
        await queryRunner.query(`DROP TABLE "density_references"`);
    }

}
