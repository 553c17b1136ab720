// Tracking tokens handed to enterprises: 256 random bits, base64url; only a SHA-256 hash is stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function issueTrackingToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashTrackingToken(token) };
}

export function hashTrackingToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function trackingTokenMatches(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashTrackingToken(token));
  const stored = Buffer.from(storedHash);
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
