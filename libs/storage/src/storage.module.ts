import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { s3Config } from '@app/config';
import { ArtifactStore } from './artifact-store';
import { createS3Client } from './s3-client';

@Global()
@Module({
  providers: [
    {
      provide: ArtifactStore,
      inject: [s3Config.KEY],
      useFactory: async (cfg: ConfigType<typeof s3Config>) => {
        const store = new ArtifactStore(createS3Client(cfg), cfg.bucket);
        await store.ensureBucket();
        return store;
      },
    },
  ],
  exports: [ArtifactStore],
})
export class StorageModule {}
