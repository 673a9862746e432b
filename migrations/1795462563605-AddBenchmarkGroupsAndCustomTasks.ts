import { MigrationInterface, QueryRunner } from "typeorm";

export class AddBenchmarkGroupsAndCustomTasks1795462563605 implements MigrationInterface {
    name = 'AddBenchmarkGroupsAndCustomTasks1795462563605'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "custom_benchmarks" ("name" text NOT NULL, "yaml" text NOT NULL, "sha256" text NOT NULL, "defines" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2729a18745184d251d4ac0f1b6e" PRIMARY KEY ("name"))`);
        await queryRunner.query(`ALTER TABLE "run_benchmarks" ADD "is_group" boolean NOT NULL DEFAULT false`);
        await queryRunner.query(`ALTER TABLE "shards" ADD "envelope" jsonb`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "shards" DROP COLUMN "envelope"`);
        await queryRunner.query(`ALTER TABLE "run_benchmarks" DROP COLUMN "is_group"`);
        await queryRunner.query(`DROP TABLE "custom_benchmarks"`);
    }

}
