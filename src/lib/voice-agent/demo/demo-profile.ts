/**
 * What the user has said about themselves: their role ("I'm the CFO") and what they run ("a mid-sized
 * insurer"). The coach acknowledges it once, says "your insurer" instead of "your organisation", and
 * uses it in the goodbye. Only what the user said, never guessed; the latest mention wins.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { capitalise } from './demo-text';

export interface Profile {
  role?: string;
  /** A noun for the organisation: "insurer", "bank", "hospital". */
  sector?: string;
}

const ACRONYMS: Readonly<Record<string, string>> = {
  ceo: 'CEO', cfo: 'CFO', cio: 'CIO', cto: 'CTO', coo: 'COO', chro: 'CHRO', cmo: 'CMO', ciso: 'CISO', cdo: 'CDO', cro: 'CRO',
};

const ROLE =
  /\b(?:i am|i'm|im|i work as|i serve as|as)\s+(?:the |a |an |our |their )?(ceo|cfo|cio|cto|coo|chro|cmo|ciso|cdo|cro|chief [a-z]+ officer|general counsel|head of [a-z]+|director of [a-z]+|board member|non executive director|chair(?:man|woman|person)?|managing director|founder|co founder|company secretary|data protection officer|(?:finance|hr|it|operations|marketing|sales|legal|risk|technology|digital|strategy) director|vp of [a-z]+)\b/;

/** Sector words in the order they are tried (more specific first). */
const SECTORS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\blaw firm\b/, 'law firm'],
  [/\basset manag\w*/, 'asset manager'],
  [/\binsur\w*/, 'insurer'],
  [/\bbank(s|ing)?\b/, 'bank'],
  [/\bretail\w*/, 'retailer'],
  [/\bhospitals?\b|\bnhs trust\b/, 'hospital'],
  [/\bhealth ?care\b/, 'healthcare organisation'],
  [/\bmanufactur\w*/, 'manufacturer'],
  [/\buniversit\w*/, 'university'],
  [/\butilit(y|ies)\b/, 'utility'],
  [/\btelcos?\b|\btelecom\w*/, 'telco'],
  [/\bpharma\w*/, 'pharma company'],
  [/\blogistics\b/, 'logistics business'],
  [/\bairlines?\b/, 'airline'],
  [/\bcharit(y|ies)\b|\bnon ?profit\b|\bngo\b/, 'charity'],
  [/\bstart ?ups?\b/, 'start-up'],
  [/\b(software|saas) (company|business|firm)\b/, 'software company'],
  [/\bconsultanc(y|ies)\b|\bconsulting firm\b/, 'consultancy'],
  [/\bpublic sector\b|\bgovernment (department|agency)\b|\bministry\b/, 'public body'],
];

/** The profile after this turn (same object when nothing new was said). */
export function updateProfile(profile: Profile, normalised: string): Profile {
  const roleMatch = ROLE.exec(normalised)?.[1];
  const sector = SECTORS.find(([pattern]) => pattern.test(normalised))?.[1];
  const role = roleMatch ? formatRole(roleMatch) : undefined;
  if ((!role || role === profile.role) && (!sector || sector === profile.sector)) return profile;
  return { role: role ?? profile.role, sector: sector ?? profile.sector };
}

function formatRole(raw: string): string {
  return ACRONYMS[raw] ?? raw.replace(/\b(it|hr|vp)\b/g, (m) => m.toUpperCase());
}

/** "your insurer", else "your organisation". */
export function orgPhrase(profile: Profile): string {
  return `your ${profile.sector ?? 'organisation'}`;
}

/** "CFO at an insurer", "A bank", "CFO" (for "…, noted."); undefined when nothing is known. */
export function describe(profile: Profile): string | undefined {
  const org = profile.sector ? `${/^[aeiou]/.test(profile.sector) ? 'an' : 'a'} ${profile.sector}` : undefined;
  if (profile.role && org) return `${profile.role} at ${org}`;
  if (profile.role) return profile.role;
  return org ? capitalise(org) : undefined;
}
