// Secrets never reach a log line or an error message: the values of credential variables handed to
// kops, and anything shaped like an AWS access key id, are masked in everything kops prints.

const SECRET_VARS = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'S3_SECRET_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'S3_ACCESS_KEY_ID',
];
const ACCESS_KEY_RE = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;

export function redactor(env: Record<string, string | undefined>): (text: string) => string {
  const secrets = SECRET_VARS.map((k) => env[k]).filter((v): v is string => v !== undefined && v.length >= 4);
  return (text) => {
    let out = text.replace(ACCESS_KEY_RE, '$1****************');
    for (const s of secrets) out = out.split(s).join('****');
    return out;
  };
}
