import { Module } from '@nestjs/common';
import { BenchmarkCatalog } from './benchmark-catalog.service';
import { BenchmarksController } from './benchmarks.controller';

@Module({
  controllers: [BenchmarksController],
  providers: [BenchmarkCatalog],
  exports: [BenchmarkCatalog],
})
export class BenchmarksApiModule {}
