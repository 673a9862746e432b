import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { apiConfigFrom, loadEnv } from '@app/config';
import { AppModule } from './app.module';
import { apiBootstrap } from './bootstrap';

async function main(): Promise<void> {
  const cfg = apiConfigFrom(loadEnv());
  const app = await apiBootstrap.configure(await NestFactory.create(AppModule, apiBootstrap.adapter(), { ...apiBootstrap.options, bufferLogs: false }));
  await app.listen(cfg.port, cfg.host);
  new Logger('api').log(`listening on http://${cfg.host}:${cfg.port} (OpenAPI at /docs)`);
}

main().catch((err) => {
  new Logger('api').error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
