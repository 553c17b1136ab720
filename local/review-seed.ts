// The counties' review settings `npm start` writes, as `npm run task-force -- review <county> <mode>`
// does (shared/domain/review.ts): the quick start's counties are routed to a bank by themselves, and
// Binjiang (330108, demo account binjiang-tf) reviews by hand. Other counties follow the stage default.
import type { ReviewMode } from '../shared/domain/review';

export const REVIEW_SEED: Readonly<Record<string, ReviewMode>> = {
  '330106': 'auto',
  '441900': 'auto',
  '330108': 'manual',
};

/** Writes the seed through `put` (the review settings store). */
export async function seedReviewSettings(put: (countyCode: string, mode: ReviewMode, now: Date) => Promise<void>, now = new Date()): Promise<void> {
  for (const [countyCode, mode] of Object.entries(REVIEW_SEED)) await put(countyCode, mode, now);
}
