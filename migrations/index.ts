// Every migration, in order. Generated with `typeorm migration:generate` and reviewed; never edited once merged.
import type { MigrationInterface } from 'typeorm';
import { InitSchema1795458609979 } from './1795458609979-InitSchema';
import { AddDensity1795460113907 } from './1795460113907-AddDensity';
import { AddBenchmarkGroupsAndCustomTasks1795462563605 } from './1795462563605-AddBenchmarkGroupsAndCustomTasks';
import { AddRunBackendOverride1795465098034 } from './1795465098034-AddRunBackendOverride';
import { AddShardsRunBenchmarkIndex1795467000000 } from './1795467000000-AddShardsRunBenchmarkIndex';
import { RunShardSizeAuto1795468000000 } from './1795468000000-RunShardSizeAuto';
import { AddBuiltinReferences1795469000000 } from './1795469000000-AddBuiltinReferences';
import { AddDensityCalibrations1796485671847 } from './1796485671847-AddDensityCalibrations';
import { AddModelArchitecture1796490000000 } from './1796490000000-AddModelArchitecture';
import { AddShardOutputRate1796500000000 } from './1796500000000-AddShardOutputRate';
import { AddProjectsAndKeys1796510000000 } from './1796510000000-AddProjectsAndKeys';
import { AddDensityFitsAndReportStatus1796520000000 } from './1796520000000-AddDensityFitsAndReportStatus';
import { AddDensityReportScope1796530000000 } from './1796530000000-AddDensityReportScope';

export const MIGRATIONS: Array<new () => MigrationInterface> = [InitSchema1795458609979, AddDensity1795460113907, AddBenchmarkGroupsAndCustomTasks1795462563605, AddRunBackendOverride1795465098034, AddShardsRunBenchmarkIndex1795467000000, RunShardSizeAuto1795468000000, AddBuiltinReferences1795469000000, AddDensityCalibrations1796485671847, AddModelArchitecture1796490000000, AddShardOutputRate1796500000000, AddProjectsAndKeys1796510000000, AddDensityFitsAndReportStatus1796520000000, AddDensityReportScope1796530000000];
