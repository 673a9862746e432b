import { MigrationInterface, QueryRunner } from "typeorm";

/** shards.output_tokens_per_s: output tokens per second of a running shard, as its worker last reported it. */
export class AddShardOutputRate1796500000000 implements MigrationInterface {
    name = 'AddShardOutputRate1796500000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "shards" ADD "output_tokens_per_s" double precision`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "shards" DROP COLUMN "output_tokens_per_s"`);
    }

}
