import { MigrationInterface, QueryRunner } from "typeorm";

/** runs.shard_size NULL: the run let the service size its shards per benchmark (see autoShardSize). */
export class RunShardSizeAuto1795468000000 implements MigrationInterface {
    name = 'RunShardSizeAuto1795468000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "runs" ALTER COLUMN "shard_size" DROP NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`UPDATE "runs" SET "shard_size" = 100 WHERE "shard_size" IS NULL`);
        await queryRunner.query(`ALTER TABLE "runs" ALTER COLUMN "shard_size" SET NOT NULL`);
    }

}
