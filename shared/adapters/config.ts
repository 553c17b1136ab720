// Configuration injected at the edge by the environment (CDK in AWS, the local runtime on a laptop).
// Read once, at cold start.
export { ENV } from '../domain/environment';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
}

export function numberEnv(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`environment variable ${name} must be a positive number`);
  return number;
}
