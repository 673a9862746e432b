import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { text } from 'express';
import { CustomBenchmarkEntity } from '@app/database';
import { BenchmarkCatalog } from './benchmark-catalog.service';
import { BenchmarksController } from './benchmarks.controller';

@Module({
  imports: [TypeOrmModule.forFeature([CustomBenchmarkEntity])],
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
