/**
 * All practice topics of the demo coach, in the order they are offered, and topic scoring: which topics
 * a free-text answer is about (keyword and synonym weights, see ../demo-text.ts).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { score } from '../demo-text';
import { DELIVERY_TOPICS } from './topics-delivery';
import { PEOPLE_TOPICS } from './topics-people';
import { RISK_LAW_TOPICS } from './topics-risk-law';
import { STRATEGY_VALUE_TOPICS } from './topics-strategy-value';
import type { DemoTopic, TopicId } from './topic-types';

export const TOPICS: readonly DemoTopic[] = [...STRATEGY_VALUE_TOPICS, ...RISK_LAW_TOPICS, ...DELIVERY_TOPICS, ...PEOPLE_TOPICS];

const BY_ID = new Map<TopicId, DemoTopic>(TOPICS.map((t) => [t.id, t]));

export function topicById(id: TopicId): DemoTopic {
  return BY_ID.get(id)!;
}

export interface TopicScore {
  id: TopicId;
  score: number;
}

/** Topics the (normalised) text mentions, best first; ties keep the list order. Zero scores left out. */
export function rankTopics(normalised: string): TopicScore[] {
  return TOPICS.map((t) => ({ id: t.id, score: score(normalised, t.keywords) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
}
