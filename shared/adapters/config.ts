// Configuration injected at the edge by the environment (CDK in AWS, the local runtime on a laptop).
// Read once, at cold start.
export { ENV } from '../domain/environment';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
}
