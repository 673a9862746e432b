import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Projects scope runs, models, custom tasks, references, imports, reports and artifacts. */
@Entity({ name: 'projects' })
export class ProjectEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text', unique: true }) name: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** The project every row made before projects existed belongs to, and where admins create by default. */
export const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-000000000001';
