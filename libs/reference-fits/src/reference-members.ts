import { EntityManager } from 'typeorm';
import { DensityReferenceMemberEntity, ModelEntity } from '@app/database';

export type MemberWithModel = DensityReferenceMemberEntity & { model: ModelEntity };

/** A reference family's members with their models (N, D, backend), in a stable order. */
export async function loadMembers(manager: EntityManager, referenceId: string): Promise<MemberWithModel[]> {
  return (await manager.find(DensityReferenceMemberEntity, {
    where: { referenceId },
    relations: { model: true },
    order: { id: 'ASC' },
  })) as MemberWithModel[];
}
