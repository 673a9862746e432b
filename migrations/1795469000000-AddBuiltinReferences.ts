import { MigrationInterface, QueryRunner } from "typeorm";

/** density_references.builtin: the built-in family a reference was installed from (e.g. 'pythia'), null for users' own. */
export class AddBuiltinReferences1795469000000 implements MigrationInterface {
    name = 'AddBuiltinReferences1795469000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "density_references" ADD "builtin" text`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_density_references_builtin" ON "density_references" ("builtin") WHERE "builtin" IS NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."uq_density_references_builtin"`);
        await queryRunner.query(`ALTER TABLE "density_references" DROP COLUMN "builtin"`);
    }

}
