import { MigrationInterface, QueryRunner } from "typeorm";

/** The run view sums done samples per run benchmark (shards LEFT JOIN on run_benchmark_id): without this, a scan of every shard. */
export class AddShardsRunBenchmarkIndex1795467000000 implements MigrationInterface {
    name = 'AddShardsRunBenchmarkIndex1795467000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "idx_shards_run_benchmark" ON "shards" ("run_benchmark_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."idx_shards_run_benchmark"`);
    }

}
