/**
 * The demo coach's public types and its conversation state (see demo-coach.ts for how it is used).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { SearchResponse } from '../types/api';
import type { Profile } from './demo-profile';
import type { Rehearsal } from './demo-rehearsal';
import type { RoleId, TopicId } from './script/topic-types';

export type DemoAction = { kind: 'say'; text: string } | { kind: 'search'; query: string };

export interface ReplyContext {
  /** The user cut the coach off to say this (it may not have heard the coach's question). */
  interrupted?: boolean;
}

/** Where a topic stands: 0 not started, 1 diagnosed, 2 advised, 3 challenged, 4 summarised. */
export type Stage = 0 | 1 | 2 | 3 | 4;

export type Offer = { kind: 'rehearse-or-move'; role: RoleId; related?: TopicId } | { kind: 'choose-role' } | { kind: 'again-or-back' };

export interface CoachState {
  topic?: TopicId;
  stages: Partial<Record<TopicId, Stage>>;
  /** Topics in the order they were first discussed. */
  covered: TopicId[];
  profile: Profile;
  profileNoted: boolean;
  offer?: Offer;
  rehearsal?: Rehearsal;
  rehearsed: RoleId[];
  usedInsights: string[];
  lastLine?: string;
  lastQuestion?: string;
  /** Consecutive turns the coach could not use (one word, "I don't know", no topic). */
  stalls: number;
  /** The topic a pending library search is about. */
  searchTopic?: TopicId;
}

export interface DemoCoach {
  opening(options?: { resuming?: boolean }): DemoAction[];
  reply(userText: string, context?: ReplyContext): DemoAction[];
  /** Phrase a library answer (after a `search` action). */
  afterSearch(result: SearchResponse): DemoAction[];
  /** The search after a `search` action failed. */
  afterSearchFailed(): DemoAction[];
  /** Rebuild the context from earlier user turns (a mid-session takeover), saying nothing. */
  replay(userTexts: readonly string[]): void;
  state(): Readonly<CoachState>;
}
