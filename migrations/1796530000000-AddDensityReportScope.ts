import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The results service builds a report after its request: scope_project_id keeps whose models the request's key saw
 * (that project's and the built-in ones; null: every project's), which project_id (the report's owner) cannot say for
 * a global key.
 */
export class AddDensityReportScope1796530000000 implements MigrationInterface {
    name = 'AddDensityReportScope1796530000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "density_reports" ADD "scope_project_id" uuid`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "density_reports" DROP COLUMN "scope_project_id"`);
    }

}
