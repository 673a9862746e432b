import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { apiConfigFrom, loadEnv } from '@app/config';
import { WorkersModule } from '../workers/workers.module';
import { ApiKeyGuard } from './api-key.guard';
import { AuditController } from './audit.controller';
import { AuditRecorder } from './audit-recorder';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';
import { KeyThrottlerGuard } from './key-throttler.guard';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';

/** API keys, projects, the audit log and rate limits: the guard every route passes first. */
@Module({
  imports: [
    WorkersModule,
    ThrottlerModule.forRootAsync({
      useFactory: () => [{ name: 'default', ttl: 60_000, limit: apiConfigFrom(loadEnv()).rateLimitPerMinute }],
    }),
  ],
  controllers: [KeysController, ProjectsController, AuditController],
  providers: [
    KeysService,
    ProjectsService,
    AuditRecorder,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: KeyThrottlerGuard },
  ],
  exports: [KeysService, ProjectsService],
})
export class AuthModule {}
