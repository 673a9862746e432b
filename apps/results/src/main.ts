import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ResultsModule } from './results.module';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(ResultsModule);
  app.enableShutdownHooks();
  new Logger('results').log('results service consuming the results queue');
}

main().catch((err) => {
  new Logger('results').error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
