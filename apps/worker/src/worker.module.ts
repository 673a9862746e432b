import { Module } from '@nestjs/common';
import { BenchmarksModule } from '@app/benchmarks';
import { AppConfigModule } from '@app/config';
import { QueueModule } from '@app/queue';
import { StorageModule } from '@app/storage';
import { AgentState } from './agent/agent-state';
import { AgentService } from './agent/agent.service';
import { ApiClient } from './agent/api-client';
import { ModelManager } from './models/model-manager.service';
import { ReplayBackends } from './models/replay-backends';
import { RedisRequestCacheStore } from './models/request-cache.store';
import { CodeSandboxProvider } from './shards/code-sandbox.provider';
import { RunShardHandler } from './shards/run-shard.handler';
import { ShardConsumer } from './shards/shard-consumer';
import { ShardProcessor } from './shards/shard.processor';

/** The worker agent: no HTTP server and no database; it talks to the API, Redis and S3. */
@Module({
  imports: [AppConfigModule.forRoot(), QueueModule.forRoot(), StorageModule, BenchmarksModule],
  providers: [
    ApiClient,
    AgentState,
    AgentService,
    ModelManager,
    ReplayBackends,
    RedisRequestCacheStore,
    CodeSandboxProvider,
    RunShardHandler,
    ShardProcessor,
    ShardConsumer,
  ],
})
export class WorkerModule {}
