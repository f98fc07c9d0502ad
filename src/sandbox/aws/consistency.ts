// Eventual consistency, as the EC2 API has it (and the strongly consistent emulator otherwise
// hides): for lagMs after a change, the rest of the API has not seen it yet. With lagMs 0 (the
// default) nothing here has any effect.
//
// What lags, after AWS's "Eventual consistency in the Amazon EC2 API" page and the errors it names:
// - a just-allocated Elastic IP: AssociateAddress / ReleaseAddress answer InvalidAllocationID.NotFound;
// - a just-made association: DisassociateAddress answers InvalidAssociationID.NotFound;
// - a security group just detached from an ENI: DeleteSecurityGroup answers DependencyViolation;
// - an ENI's group list just changed: DescribeNetworkInterfaces / DescribeInstances still show the
//   previous list.
// Kept in memory only: a restarted emulator has caught up.
import type { EmulatorData, NetworkInterfaceRecord } from './model.js';

export type LagKind = 'allocation' | 'association' | 'detached-group';

export class ConsistencyModel {
  private lag = 0;
  private readonly pendingUntil = new Map<string, number>();
  private readonly staleGroups = new Map<string, { groupIds: string[]; until: number }>();

  constructor(
    lagMs = 0,
    private readonly now: () => number = Date.now,
  ) {
    this.setLag(lagMs);
  }

  get lagMs(): number {
    return this.lag;
  }

  /** Infinity means changes never become visible (for testing what gives up). */
  setLag(ms: number): void {
    if (!(ms >= 0)) throw new Error('consistency lag must be a number of ms ≥ 0');
    this.lag = ms;
    if (ms === 0) {
      this.pendingUntil.clear();
      this.staleGroups.clear();
    }
  }

  /** Record that `id` of this kind changed now; it is invisible to the kind's checks for lagMs. */
  changed(kind: LagKind, id: string): void {
    if (this.lag > 0) this.pendingUntil.set(`${kind}:${id}`, this.now() + this.lag);
  }

  /** Whether the change to `id` has not propagated yet. */
  pending(kind: LagKind, id: string): boolean {
    const key = `${kind}:${id}`;
    const until = this.pendingUntil.get(key);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.pendingUntil.delete(key);
    return false;
  }

  /** An ENI's group list is about to change from `before`: readers keep seeing `before` for lagMs. */
  groupsChanging(eniId: string, before: readonly string[]): void {
    if (this.lag === 0) return;
    // Readers see the oldest list not yet propagated, as a lagging replica would.
    const open = this.staleGroups.get(eniId);
    const groupIds = open && this.now() < open.until ? open.groupIds : [...before];
    this.staleGroups.set(eniId, { groupIds, until: this.now() + this.lag });
  }

  /** The data as readers see it: ENIs whose group change has not propagated show the old list. */
  readerView(d: EmulatorData): EmulatorData {
    if (this.staleGroups.size === 0) return d;
    const enis: Record<string, NetworkInterfaceRecord> = { ...d.networkInterfaces };
    for (const [id, stale] of this.staleGroups) {
      if (this.now() >= stale.until) {
        this.staleGroups.delete(id);
        continue;
      }
      const eni = enis[id];
      if (eni) enis[id] = { ...eni, groupIds: [...stale.groupIds] };
    }
    return { ...d, networkInterfaces: enis };
  }
}
