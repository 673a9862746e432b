import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { text } from 'express';
import { BenchmarkCatalog } from './benchmark-catalog.service';
import { BenchmarksController } from './benchmarks.controller';

@Module({
  controllers: [BenchmarksController],
  providers: [BenchmarkCatalog],
  exports: [BenchmarkCatalog],
})
export class BenchmarksApiModule implements NestModule {
  /** YAML task definitions arrive as text, which the global JSON parser leaves alone. */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(text({ type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], limit: '2mb' }))
      .forRoutes({ path: 'v1/benchmarks', method: RequestMethod.POST });
  }
}
