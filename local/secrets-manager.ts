// A Secrets Manager-compatible service for the local runtime, served by aws-emulator.ts, so handlers
// keep their unchanged SecretsManagerClient. The secrets live in one git-ignored JSON file,
// `{ "<secret name>": "<secret string>" }`, read on every call (a CLI that rotates a secret by
// rewriting the file takes effect at once) and written atomically with 0600 permissions.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AwsServiceError, type AwsJsonService } from './aws-emulator';

export interface LocalSecretsManagerOptions {
  /** The secrets file; missing means no secrets yet. */
  file: string;
  region: string;
  accountId: string;
}

const NOT_FOUND = "Secrets Manager can't find the specified secret.";
const CURRENT = 'AWSCURRENT';

export class LocalSecretsManager implements AwsJsonService {
  readonly targetPrefix = 'secretsmanager';
  readonly contentType = 'application/x-amz-json-1.1';

  constructor(private readonly options: LocalSecretsManagerOptions) {}

  /**
   * The ARN of a secret: AWS appends six random characters to the name; locally they are derived from
   * the name, so the ARN is stable. GetSecretValue also accepts the ARN without them, as AWS does.
   */
  secretArn(name: string): string {
    const suffix = createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, 'x').slice(0, 6);
    return `arn:aws:secretsmanager:${this.options.region}:${this.options.accountId}:secret:${name}-${suffix}`;
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'GetSecretValue':
        return this.getSecretValue(input);
      case 'PutSecretValue':
        return this.putSecretValue(input);
      case 'CreateSecret':
        return this.createSecret(input);
      default:
        throw new AwsServiceError('InvalidRequestException', `${operation} is not supported by the local Secrets Manager`);
    }
  }

  private getSecretValue(input: Record<string, unknown>) {
    const secrets = this.read();
    const name = this.nameOf(secrets, requiredString(input, 'SecretId'));
    const value = secrets[name]!;
    const versionId = versionIdOf(value);
    const stage = input.VersionStage;
    if ((stage !== undefined && stage !== CURRENT) || (input.VersionId !== undefined && input.VersionId !== versionId)) {
      throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value");
    }
    return {
      ARN: this.secretArn(name),
      Name: name,
      SecretString: value,
      VersionId: versionId,
      VersionStages: [CURRENT],
      CreatedDate: this.modified(),
    };
  }

  private putSecretValue(input: Record<string, unknown>) {
    const secrets = this.read();
    const name = this.nameOf(secrets, requiredString(input, 'SecretId'));
    const value = secretString(input);
    if (value === undefined) throw new AwsServiceError('InvalidParameterException', 'SecretString is required');
    this.write({ ...secrets, [name]: value });
    return { ARN: this.secretArn(name), Name: name, VersionId: versionIdOf(value), VersionStages: [CURRENT] };
  }

  private createSecret(input: Record<string, unknown>) {
    const name = requiredString(input, 'Name');
    if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) {
      throw new AwsServiceError('InvalidParameterException', `Invalid name: ${name}`);
    }
    // The file holds current values only, so a secret is created with its value.
    const value = secretString(input);
    if (value === undefined) throw new AwsServiceError('InvalidParameterException', 'SecretString is required locally');
    const secrets = this.read();
    if (name in secrets) {
      throw new AwsServiceError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    }
    this.write({ ...secrets, [name]: value });
    return { ARN: this.secretArn(name), Name: name, VersionId: versionIdOf(value) };
  }

  /** A SecretId (name, full ARN, or ARN without the random suffix) → the secret's name. */
  private nameOf(secrets: Record<string, string>, secretId: string): string {
    const match = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(secretId);
    if (!match) {
      if (secretId in secrets) return secretId;
      throw new AwsServiceError('ResourceNotFoundException', NOT_FOUND);
    }
    const found = Object.keys(secrets).find((name) => secretId === this.secretArn(name) || match[1] === name);
    if (found === undefined) throw new AwsServiceError('ResourceNotFoundException', NOT_FOUND);
    return found;
  }

  private read(): Record<string, string> {
    let text: string;
    try {
      text = readFileSync(this.options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AwsServiceError('InternalServiceError', `${this.options.file} is not valid JSON`, 500);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new AwsServiceError('InternalServiceError', `${this.options.file} must hold a JSON object`, 500);
    }
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }

  /** Atomic (write a sibling, rename over) so a reader never sees half a file; owner-only. */
  private write(secrets: Record<string, string>): void {
    const file = this.options.file;
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
  }

  private modified(): number {
    try {
      return statSync(this.options.file).mtimeMs / 1000;
    } catch {
      return Date.now() / 1000;
    }
  }
}

/** Stable per value (a UUID-shaped digest): it changes when the secret is rotated, as in AWS. */
function versionIdOf(value: string): string {
  const hex = createHash('sha256').update(value).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function secretString(input: Record<string, unknown>): string | undefined {
  if (input.SecretBinary !== undefined) {
    throw new AwsServiceError('InvalidParameterException', 'SecretBinary is not supported locally; use SecretString');
  }
  const value = input.SecretString;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 65_536) {
    throw new AwsServiceError('InvalidParameterException', 'SecretString must be a string of at most 65536 characters');
  }
  return value;
}

function requiredString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new AwsServiceError('InvalidParameterException', `${field} is required`);
  }
  return value;
}
