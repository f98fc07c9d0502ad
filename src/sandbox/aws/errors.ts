// An AWS service error raised by an operation handler; the server renders it in the envelope of
// the protocol the request came in on (note §3.1).

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

export const notFound = (code: string, message: string): AwsError => new AwsError(code, message, 400);
export const invalidParameter = (message: string): AwsError => new AwsError('InvalidParameterValue', message);
export const missingParameter = (name: string): AwsError =>
  new AwsError('MissingParameter', `The request must contain the parameter ${name}`);
