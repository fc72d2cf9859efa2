/**
 * The recording sent to `/transcribe`: a bounded multipart upload (10 MB), parsed by the Web
 * `Request.formData()` built into Node (undici), whose `file` part must be audio we accept. The declared
 * part type and the bytes themselves must agree (magic numbers), and music-metadata must be able to read
 * the duration: 60 s at most, because a spoken turn is never longer and upstream time costs money.
 */
import { parseBuffer } from 'music-metadata';
import type { ApiRequest } from '../api/api-types';
import { ApiError } from '../http/api-error';
import { readLimitedBody } from '../http/limited-body';

export const MAX_AUDIO_BYTES = 10 * 1024 * 1024;
export const MAX_AUDIO_SECONDS = 60;

export type AudioKind = 'wav' | 'webm' | 'ogg' | 'mp3' | 'mp4' | 'flac';

/** How each accepted format is named to music-metadata and to OpenAI (which goes by the file extension). */
const KINDS: Record<AudioKind, { mimeType: string; extension: string }> = {
  wav: { mimeType: 'audio/wav', extension: 'wav' },
  webm: { mimeType: 'audio/webm', extension: 'webm' },
  ogg: { mimeType: 'audio/ogg', extension: 'ogg' },
  mp3: { mimeType: 'audio/mpeg', extension: 'mp3' },
  mp4: { mimeType: 'audio/mp4', extension: 'm4a' },
  flac: { mimeType: 'audio/flac', extension: 'flac' },
};

/** Declared part types we accept (parameters such as `;codecs=opus` are ignored). */
const DECLARED: Readonly<Record<string, AudioKind>> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/webm': 'webm',
  'video/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/opus': 'ogg',
  'application/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'mp4',
  'audio/m4a': 'mp4',
  'audio/x-m4a': 'mp4',
  'video/mp4': 'mp4',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
};

/** "No type given" (curl's default, a Blob without type): the bytes alone decide. */
const UNDECLARED = new Set(['', 'application/octet-stream']);

export interface AudioUpload {
  audio: Buffer;
  kind: AudioKind;
  mimeType: string;
  filename: string;
  durationMs: number;
  language: string | undefined;
}

/** The container the bytes start with, or undefined when none we accept. */
export function sniffAudioKind(bytes: Uint8Array): AudioKind | undefined {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1');
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'webm';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  if (ascii(4, 8) === 'ftyp') return 'mp4';
  if (ascii(0, 3) === 'ID3' || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'mp3';
  return undefined;
}

const unsupported = (detail: string) =>
  new ApiError(415, 'unsupported_media_type', `${detail} Send WAV, WebM/Opus, Ogg/Opus, MP3, M4A/MP4 or FLAC as multipart/form-data.`);
const invalidAudio = (message: string) => new ApiError(400, 'invalid_audio', message);

export async function readAudioUpload(req: ApiRequest): Promise<AudioUpload> {
  const contentType = req.header('content-type') ?? '';
  if (contentType.split(';')[0]!.trim().toLowerCase() !== 'multipart/form-data') {
    throw unsupported('The recording must be uploaded as multipart/form-data.');
  }
  const body = await readLimitedBody(req, MAX_AUDIO_BYTES);
  let form: FormData;
  try {
    form = await new Request('http://upload.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
  } catch {
    throw new ApiError(400, 'invalid_request', 'The upload could not be read as multipart/form-data.');
  }

  const language = languageOf(form.get('language'));
  const file = form.get('file');
  if (!file || typeof file === 'string') throw invalidAudio('Attach the recording as a "file" part.');
  if (file.size === 0) throw invalidAudio('The recording is empty.');

  const declaredType = file.type.split(';')[0]!.trim().toLowerCase();
  const declared = DECLARED[declaredType];
  if (!declared && !UNDECLARED.has(declaredType)) throw unsupported(`Audio of type "${declaredType.slice(0, 60)}" is not supported.`);
  const audio = Buffer.from(await file.arrayBuffer());
  const kind = sniffAudioKind(audio);
  if (!kind) throw unsupported('The file is not audio in a supported format.');
  if (declared && declared !== kind) throw unsupported(`The file is declared as ${declaredType} but contains ${kind.toUpperCase()} audio.`);

  const seconds = await durationOf(audio, kind);
  if (seconds > MAX_AUDIO_SECONDS) {
    throw new ApiError(413, 'audio_too_long', `The recording is ${Math.round(seconds)} s long; at most ${MAX_AUDIO_SECONDS} s can be transcribed at once.`);
  }
  const { mimeType, extension } = KINDS[kind];
  return { audio, kind, mimeType, filename: `recording.${extension}`, durationMs: Math.round(seconds * 1000), language };
}

async function durationOf(audio: Buffer, kind: AudioKind): Promise<number> {
  let seconds: number | undefined;
  try {
    const metadata = await parseBuffer(audio, { mimeType: KINDS[kind].mimeType, size: audio.byteLength }, { duration: true, skipCovers: true });
    seconds = metadata.format.duration;
  } catch {
    seconds = undefined;
  }
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) {
    throw invalidAudio('The recording could not be read (no audio, or its length is unknown).');
  }
  return seconds;
}

/** The optional `language` field: an ISO-639-1 code such as `en`. */
function languageOf(value: FormDataEntryValue | null): string | undefined {
  if (value === null) return undefined;
  if (typeof value !== 'string' || !/^[a-z]{2}$/i.test(value.trim())) {
    throw new ApiError(400, 'invalid_request', 'language must be an ISO-639-1 code such as "en".');
  }
  return value.trim().toLowerCase();
}
