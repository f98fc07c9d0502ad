// A value that cannot be known until another resource is applied (an allocation id, an assigned
// address). Plans show it as "(known after <id>)"; JSON renders it as {"knownAfter": id}.

export class Unknown {
  constructor(readonly knownAfter: string) {}
  toString(): string {
    return `(known after ${this.knownAfter})`;
  }
  toJSON(): { knownAfter: string } {
    return { knownAfter: this.knownAfter };
  }
}

export function unknownAfter(resourceId: string): Unknown {
  return new Unknown(resourceId);
}

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/** The value itself, or undefined when it is not known yet. */
export function known<T>(value: T | Unknown): T | undefined {
  return value instanceof Unknown ? undefined : value;
}
