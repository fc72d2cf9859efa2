// The architecture's API box names this route `/api/voice-agent/refresh`; its endpoint reference
// names `/refresh-token`. Both are served, by the same handler.
export { POST, ALL, prerender } from './refresh-token';
