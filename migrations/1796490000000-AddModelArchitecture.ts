import { MigrationInterface, QueryRunner } from "typeorm";

/** models.architecture: general.architecture of a GGUF model's header, read at registration (null for other backends). */
export class AddModelArchitecture1796490000000 implements MigrationInterface {
    name = 'AddModelArchitecture1796490000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "models" ADD "architecture" text`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "models" DROP COLUMN "architecture"`);
    }

}
