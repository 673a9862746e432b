import { MigrationInterface, QueryRunner } from "typeorm";

export class AddRunBackendOverride1795465098034 implements MigrationInterface {
    name = 'AddRunBackendOverride1795465098034'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "runs" ADD "backend_override" jsonb`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "backend_override"`);
    }

}
