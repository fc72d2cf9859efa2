/** The fallback-mode variables: documented defaults, accepted values, and startup errors naming the variable. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/server/config';

describe('fallback configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      chatModel: 'gpt-5.4',
      chatReasoningEffort: 'none',
      ttsModel: 'gpt-4o-mini-tts',
      ttsVoice: 'marin',
      transcribeModel: 'gpt-4o-mini-transcribe',
      chatMaxToolRounds: 3,
      fallbackRateLimitPerSessionPerMinute: 60,
      fallbackRateLimitPerIpPerMinute: 180,
    });
  });

  it('parses every variable', () => {
    expect(
      loadConfig({
        OPENAI_CHAT_MODEL: 'gpt-4o-mini',
        OPENAI_CHAT_REASONING_EFFORT: 'low',
        OPENAI_TTS_MODEL: 'tts-1',
        OPENAI_TTS_VOICE: 'onyx',
        OPENAI_TRANSCRIBE_MODEL: 'whisper-1',
        CHAT_MAX_TOOL_ROUNDS: '5',
        FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE: '7',
        FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE: '9',
      }),
    ).toMatchObject({
      chatModel: 'gpt-4o-mini',
      chatReasoningEffort: 'low',
      ttsModel: 'tts-1',
      ttsVoice: 'onyx',
      transcribeModel: 'whisper-1',
      chatMaxToolRounds: 5,
      fallbackRateLimitPerSessionPerMinute: 7,
      fallbackRateLimitPerIpPerMinute: 9,
    });
  });

  it.each([
    [{ OPENAI_CHAT_MODEL: 'gpt 5' }, 'OPENAI_CHAT_MODEL'],
    [{ OPENAI_CHAT_REASONING_EFFORT: 'extreme' }, 'OPENAI_CHAT_REASONING_EFFORT'],
    [{ OPENAI_TTS_MODEL: 'tts/1' }, 'OPENAI_TTS_MODEL'],
    [{ OPENAI_TTS_VOICE: 'robot' }, 'OPENAI_TTS_VOICE'],
    [{ OPENAI_TRANSCRIBE_MODEL: 'whisper 1' }, 'OPENAI_TRANSCRIBE_MODEL'],
    [{ CHAT_MAX_TOOL_ROUNDS: '0' }, 'CHAT_MAX_TOOL_ROUNDS'],
    [{ CHAT_MAX_TOOL_ROUNDS: '6' }, 'CHAT_MAX_TOOL_ROUNDS'],
    [{ CHAT_MAX_TOOL_ROUNDS: 'three' }, 'CHAT_MAX_TOOL_ROUNDS'],
    [{ FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE: '0' }, 'FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE'],
    [{ FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE: '-3' }, 'FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE'],
  ])('rejects %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toContain(variable);
  });
});
