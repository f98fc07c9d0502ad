// The log of every AWS request the emulator received (retries included; admin calls excluded).

export interface CallRecord {
  service: string;
  operation: string;
  /** The region of the request's SigV4 scope. */
  region?: string;
  /** HTTP status answered; 0 when the request was hung or its socket reset by a fault. */
  status: number;
  /** Arrival time, epoch milliseconds. */
  at: number;
  /** Error code answered, if any. */
  errorCode?: string;
  /** `amz-sdk-invocation-id`: the same across the retries of one SDK call. */
  invocationId?: string;
  /** The attempt number from `amz-sdk-request: attempt=N; max=M`. */
  attempt?: number;
  /** The fault kind that shaped the answer, if any. */
  fault?: string;
}

export class CallLog {
  private records: CallRecord[] = [];
  add(r: CallRecord): void {
    this.records.push(r);
  }
  list(): CallRecord[] {
    return this.records.map((r) => ({ ...r }));
  }
  clear(): void {
    this.records = [];
  }
}
