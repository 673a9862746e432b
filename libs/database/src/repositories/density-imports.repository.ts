import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DensityImportEntity } from '../entities/density-import.entity';
import { DensityImportedScoreEntity } from '../entities/density-imported-score.entity';
import type { SqlStatements } from './sql';

export const DENSITY_IMPORTS_SQL = {
  scores_of_import: `
    SELECT s.model_id AS "modelId", m.name, s.benchmark, s.metric, s.value, s.stderr
      FROM density_imported_scores s JOIN models m ON m.id = s.model_id
     WHERE s.import_id = $1 ORDER BY m.name, s.benchmark, s.metric NULLS FIRST`,
  sources: `SELECT id, format, file_name AS "fileName", source, imported_at AS "importedAt" FROM density_imports WHERE id = ANY($1)`,
} satisfies SqlStatements;

export type NewImport = Pick<DensityImportEntity, 'projectId' | 'format' | 'fileName' | 'source' | 'provenance'>;
export type NewImportedScore = Omit<DensityImportedScoreEntity, 'id' | 'importId' | 'import' | 'model'>;

/** One imported score with its model's name. */
export interface ImportedScoreRow {
  modelId: string;
  name: string;
  benchmark: string;
  metric: string | null;
  value: number;
  stderr: number | null;
}

/** What an import is, as a score's source. */
export interface ImportSource {
  id: string;
  format: string;
  fileName: string | null;
  source: string | null;
  importedAt: Date;
}

/** Imports of existing results (lm-eval results, CSV of published scores): the record and its scores. */
@Injectable()
export class DensityImportsRepository {
  constructor(private readonly db: DataSource) {}

  /** The import record and its scores, in one transaction (an import is all stored or not at all). */
  create(record: NewImport, scores: readonly NewImportedScore[]): Promise<DensityImportEntity> {
    return this.db.transaction(async (tx) => {
      const saved = await tx.save(tx.create(DensityImportEntity, record));
      const rows = scores.map((s) => ({ ...s, importId: saved.id }));
      for (let i = 0; i < rows.length; i += 1000) await tx.insert(DensityImportedScoreEntity, rows.slice(i, i + 1000));
      return saved;
    });
  }

  /** A page, newest first, and the total: a project's imports, or every one when projectId is null. */
  list(projectId: string | null, limit: number, offset: number): Promise<[DensityImportEntity[], number]> {
    return this.db.getRepository(DensityImportEntity).findAndCount({ where: projectId ? { projectId } : {}, order: { importedAt: 'DESC' }, take: limit, skip: offset });
  }

  byId(id: string): Promise<DensityImportEntity | null> {
    return this.db.getRepository(DensityImportEntity).findOneBy({ id });
  }

  scoresOf(importId: string): Promise<ImportedScoreRow[]> {
    return this.db.query(DENSITY_IMPORTS_SQL.scores_of_import, [importId]);
  }

  async sources(ids: readonly string[]): Promise<ImportSource[]> {
    return ids.length ? this.db.query(DENSITY_IMPORTS_SQL.sources, [ids]) : [];
  }
}
