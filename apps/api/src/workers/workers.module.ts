import { Module } from '@nestjs/common';
import { EnrollmentTokensController } from './enrollment-tokens.controller';
import { EnrollmentTokensService } from './enrollment-tokens.service';
import { WorkerAuthGuard } from './worker-auth.guard';
import { WorkersController } from './workers.controller';
import { WorkersService } from './workers.service';

@Module({
  controllers: [WorkersController, EnrollmentTokensController],
  providers: [WorkersService, WorkerAuthGuard, EnrollmentTokensService],
  exports: [WorkersService, WorkerAuthGuard],
})
export class WorkersModule {}
