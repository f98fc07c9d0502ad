// The AWS SDK loads when the first call is sent, not when a module that names its commands loads.
// The SDK is the heaviest thing solokube starts (most of `plan --offline`'s time was loading it for
// resources whose describe() never calls AWS), yet every resource module names the commands it
// sends. So the resources import their commands from ./sdk/<service>.js: each export there has the
// name and the constructor signature of the SDK's own command class, but `new` only records the
// input. The client (lazySdkClient) loads the SDK package on its first send, builds the real command
// from that record and sends it with a real SDK client made on first use. Real SDK commands are
// accepted as well, so a caller that already holds one (a test, the sandbox) sends it unchanged.

/** What every SDK v3 command is, as far as sending it goes: its input, and a handler yielding its output. */
export interface SdkCommand<I, O> {
  readonly input: I;
  resolveMiddleware(stack: never, configuration: never, options: never): (args: never) => Promise<{ output: O }>;
}

/** The part of an SDK client solokube uses. */
export interface SdkClientLike {
  send(command: never, options?: SendOptions): Promise<unknown>;
  destroy(): void;
}

export interface SendOptions {
  abortSignal?: AbortSignal;
}

/** An SDK client that is made, and its package loaded, on the first send. */
export interface SdkClient {
  send<I, O>(command: LazyCommand<I, O> | SdkCommand<I, O>, options?: SendOptions): Promise<O>;
  /**
   * Loads the SDK package and makes the client now, for a caller whose deadline is about AWS's
   * answers and must not be spent loading code (doctor's, under load the EC2 package alone took 2 s).
   */
  ready(): Promise<void>;
  destroy(): void;
}

// The SDK's command classes have overloaded constructors; their instances name the types plainly.
type CommandClass = abstract new (...args: never[]) => SdkCommand<unknown, unknown>;
type InputOf<C> = C extends CommandClass ? InstanceType<C>['input'] : never;
type OutputOf<C> = C extends abstract new (...args: never[]) => SdkCommand<unknown, infer O> ? O : never;
type CommandNames<M> = { [N in keyof M & string]: M[N] extends CommandClass ? N : never }[keyof M & string];

/** A command to send, recorded by name until its SDK package is loaded. */
export class LazyCommand<I, O> {
  /** Never set: carries the output type from the command to send(). */
  declare readonly outputType?: O;

  constructor(
    private readonly load: () => Promise<unknown>,
    readonly commandName: string,
    readonly input: I,
  ) {}

  /** The SDK's own command for this input (loads its package on first use; later uses are cached by Node). */
  async toSdkCommand(): Promise<SdkCommand<I, O>> {
    const sdk = (await this.load()) as Record<string, new (input: I) => SdkCommand<I, O>>;
    const Command = sdk[this.commandName];
    if (typeof Command !== 'function') throw new Error(`the AWS SDK package has no ${this.commandName}`);
    return new Command(this.input);
  }
}

/**
 * The command classes of one SDK package, made lazily: `commandsOf(() => import('@aws-sdk/client-ec2'))`
 * gives a function that, for a command's name, returns a class with that command's input type whose
 * instances send() turns into the real command. Only names of the package's commands type-check.
 */
export function commandsOf<M>(load: () => Promise<M>) {
  return <N extends CommandNames<M>>(name: N) => {
    type I = InputOf<M[N]>;
    type O = OutputOf<M[N]>;
    return class extends LazyCommand<I, O> {
      constructor(input: I) {
        super(load, name, input);
      }
    };
  };
}

/** A client whose SDK package loads, and whose real client is made, when the first command is sent. */
export function lazySdkClient(make: () => Promise<SdkClientLike>): SdkClient {
  let client: Promise<SdkClientLike> | undefined;
  return {
    async send<I, O>(command: LazyCommand<I, O> | SdkCommand<I, O>, options?: SendOptions): Promise<O> {
      const sdkCommand = command instanceof LazyCommand ? await command.toSdkCommand() : command;
      const real = await (client ??= make());
      return (await real.send(sdkCommand as never, options)) as O;
    },
    async ready() {
      await (client ??= make());
    },
    destroy() {
      // A client still being made is destroyed once it exists: it holds the sockets of its sends.
      void client?.then(
        (c) => c.destroy(),
        () => undefined,
      );
    },
  };
}
