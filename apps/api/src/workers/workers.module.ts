import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WorkerEntity } from '@app/database';
import { WorkerAuthGuard } from './worker-auth.guard';
import { WorkersController } from './workers.controller';
import { WorkersService } from './workers.service';

@Module({
  imports: [TypeOrmModule.forFeature([WorkerEntity])],
  controllers: [WorkersController],
  providers: [WorkersService, WorkerAuthGuard],
  exports: [WorkersService, WorkerAuthGuard],
})
export class WorkersModule {}
