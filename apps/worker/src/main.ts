import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(WorkerModule);
  // SIGTERM/SIGINT: stop taking shards, finish or release the current one, deregister, exit.
  app.enableShutdownHooks();
  new Logger('worker').log('worker agent started');
}

main().catch((err) => {
  new Logger('worker').error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
