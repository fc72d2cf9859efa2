// Realtime id shapes (§11 of the protocol brief): event_…, item_…, resp_…, call_…, conv_….
import { alnum } from '../ids.mjs';

export const eventId = () => `event_${alnum(21)}`;
export const itemId = () => `item_${alnum(21)}`;
export const realtimeResponseId = () => `resp_${alnum(21)}`;
export const functionCallId = () => `call_${alnum(16)}`;
export const conversationId = () => `conv_${alnum(21)}`;
