import { MigrationInterface, QueryRunner } from "typeorm";

export class InitSchema1795458609979 implements MigrationInterface {
    name = 'InitSchema1795458609979'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "models" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "params_total" bigint NOT NULL, "params_active" bigint, "release_date" date, "training_tokens" double precision, "price_input_per_m" double precision, "price_output_per_m" double precision, "backend" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_3492c71396207453cf17c0928fb" UNIQUE ("name"), CONSTRAINT "PK_ef9ed7160ea69013636466bf2d5" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "model_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'queued', "pool" text NOT NULL, "priority" integer NOT NULL DEFAULT '0', "shard_size" integer NOT NULL, "seed" integer NOT NULL, "benchmarks" jsonb NOT NULL, "idempotency_key" text, "error" text, "metrics" jsonb, "input_tokens" bigint NOT NULL DEFAULT '0', "output_tokens" bigint NOT NULL DEFAULT '0', "busy_ms" double precision NOT NULL DEFAULT '0', "wall_ms" double precision, "envelope" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_4532d804ae44cf47f4bbbc5e7f9" UNIQUE ("idempotency_key"), CONSTRAINT "PK_46d6a1e257c38ba58f1a3c30836" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_runs_model" ON "runs" ("model_id") `);
        await queryRunner.query(`CREATE INDEX "idx_runs_status_created" ON "runs" ("status", "created_at") `);
        await queryRunner.query(`CREATE TABLE "artifacts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "run_id" uuid NOT NULL, "kind" text NOT NULL, "key" text NOT NULL, "content_type" text NOT NULL, "size_bytes" bigint NOT NULL, "benchmark" text, "shard_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_fb40edbb6c2c57ba4a596072c75" UNIQUE ("key"), CONSTRAINT "PK_6516bbed3c129918e05c5012edb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_artifacts_run" ON "artifacts" ("run_id") `);
        await queryRunner.query(`CREATE TABLE "run_benchmarks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "run_id" uuid NOT NULL, "name" text NOT NULL, "num_fewshot" integer, "doc_limit" integer, "total_samples" integer NOT NULL, "done_samples" integer NOT NULL DEFAULT '0', "metrics" jsonb, "task_info" jsonb, CONSTRAINT "PK_6d4dd2cfaf4c435148c6c736bff" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_run_benchmarks_run_name" ON "run_benchmarks" ("run_id", "name") `);
        await queryRunner.query(`CREATE TABLE "samples" ("run_id" uuid NOT NULL, "benchmark" text NOT NULL, "doc_id" integer NOT NULL, "shard_id" uuid NOT NULL, "metrics" jsonb NOT NULL, "input_tokens" integer NOT NULL DEFAULT '0', "output_tokens" integer NOT NULL DEFAULT '0', "latency_ms" real NOT NULL DEFAULT '0', "loss_nll" double precision, "loss_tokens" integer, "loss_bytes" integer, CONSTRAINT "PK_a5239f72cf617b09257c0d5fce6" PRIMARY KEY ("run_id", "benchmark", "doc_id"))`);
        await queryRunner.query(`CREATE TABLE "shards" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "run_id" uuid NOT NULL, "run_benchmark_id" uuid NOT NULL, "benchmark" text NOT NULL, "shard_index" integer NOT NULL, "doc_start" integer NOT NULL, "doc_end" integer NOT NULL, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "worker_id" uuid, "done_samples" integer NOT NULL DEFAULT '0', "error" text, "artifact_key" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "ingested_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_84b5d89d364b85ac082a9646290" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_shards_run_status" ON "shards" ("run_id", "status") `);
        await queryRunner.query(`CREATE TABLE "workers" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "hostname" text, "pools" text array NOT NULL, "backends" text array NOT NULL, "credential_hash" text NOT NULL, "status" text NOT NULL DEFAULT 'active', "cost_per_hour" double precision, "info" jsonb NOT NULL DEFAULT '{}', "current_shard_id" uuid, "last_heartbeat_at" TIMESTAMP WITH TIME ZONE, "registered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e950c9aba3bd84a4f193058d838" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "idx_workers_status" ON "workers" ("status") `);
        await queryRunner.query(`ALTER TABLE "runs" ADD CONSTRAINT "FK_ed9dbc6ffa02ebe49d5dba9e781" FOREIGN KEY ("model_id") REFERENCES "models"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "artifacts" ADD CONSTRAINT "FK_3468f92022f7d5254bf3240954c" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "run_benchmarks" ADD CONSTRAINT "FK_3816ec041f7039bfd01e2d7089e" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "samples" ADD CONSTRAINT "FK_d84391e6440e5e8dc9a6bea2987" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "shards" ADD CONSTRAINT "FK_bf6f0e813a037e43323905b8b5b" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "shards" ADD CONSTRAINT "FK_c099239fdadbdb45059ced92bf1" FOREIGN KEY ("run_benchmark_id") REFERENCES "run_benchmarks"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "shards" DROP CONSTRAINT "FK_c099239fdadbdb45059ced92bf1"`);
        await queryRunner.query(`ALTER TABLE "shards" DROP CONSTRAINT "FK_bf6f0e813a037e43323905b8b5b"`);
        await queryRunner.query(`ALTER TABLE "samples" DROP CONSTRAINT "FK_d84391e6440e5e8dc9a6bea2987"`);
        await queryRunner.query(`ALTER TABLE "run_benchmarks" DROP CONSTRAINT "FK_3816ec041f7039bfd01e2d7089e"`);
        await queryRunner.query(`ALTER TABLE "artifacts" DROP CONSTRAINT "FK_3468f92022f7d5254bf3240954c"`);
        await queryRunner.query(`ALTER TABLE "runs" DROP CONSTRAINT "FK_ed9dbc6ffa02ebe49d5dba9e781"`);
        await queryRunner.query(`DROP INDEX "public"."idx_workers_status"`);
        await queryRunner.query(`DROP TABLE "workers"`);
        await queryRunner.query(`DROP INDEX "public"."idx_shards_run_status"`);
        await queryRunner.query(`DROP TABLE "shards"`);
        await queryRunner.query(`DROP TABLE "samples"`);
        await queryRunner.query(`DROP INDEX "public"."uq_run_benchmarks_run_name"`);
        await queryRunner.query(`DROP TABLE "run_benchmarks"`);
        await queryRunner.query(`DROP INDEX "public"."idx_artifacts_run"`);
        await queryRunner.query(`DROP TABLE "artifacts"`);
        await queryRunner.query(`DROP INDEX "public"."idx_runs_status_created"`);
        await queryRunner.query(`DROP INDEX "public"."idx_runs_model"`);
        await queryRunner.query(`DROP TABLE "runs"`);
        await queryRunner.query(`DROP TABLE "models"`);
    }

}
