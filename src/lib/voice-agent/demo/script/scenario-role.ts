/**
 * A practice scenario's counterpart as a demo rehearsal role, so demo mode rehearses the scenario the user
 * chose (its opening line, then its pushbacks in order) instead of free coaching. Built from the scenario's
 * public brief (what its page shows: the counterpart, the opening line, what they push back on); the
 * server's role-play instructions are never in the browser.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { STEP_OUT_HINT, type RehearsalRole } from './rehearsal-roles';

/** What the /coach page passes for a scenario session (from the content collection). */
export interface DemoScenarioBrief {
  id: string;
  title: string;
  kind: 'roleplay' | 'coaching';
  /** "Chief financial officer" (role-play) or how the coach coaches (coaching). */
  counterpartRole: string;
  openingLine: string;
  pushbacks: readonly string[];
}

const MONEY = /£|\$|€|\b(budget|cost|costs|payback|price|pricing|roi|return|fund|funding|spend|million|savings?)\b/i;

/**
 * A brief's pushback as something said in role: "Payback: when does it pay back…?" is asked as written after
 * its label; a statement ("Hidden costs: usage charges, integration…") becomes "What about hidden costs: …?".
 */
export function pushbackLine(pushback: string): string {
  const text = pushback.trim().replace(/[.;]+$/, '');
  const colon = text.indexOf(':');
  const label = colon > 0 && colon < 40 ? text.slice(0, colon).trim() : '';
  const rest = label ? text.slice(colon + 1).trim() : text;
  if (rest.endsWith('?')) return rest.charAt(0).toUpperCase() + rest.slice(1);
  const subject = label ? `${label.charAt(0).toLowerCase()}${label.slice(1)}: ${rest}` : `${rest.charAt(0).toLowerCase()}${rest.slice(1)}`;
  return `What about ${subject}?`;
}

export function scenarioRole(brief: DemoScenarioBrief): RehearsalRole {
  const role = brief.counterpartRole.replace(/\.$/, '');
  const article = /^[aeiou]/i.test(role) ? 'an' : 'a';
  return {
    id: 'scenario',
    name: `${article} ${role.charAt(0).toLowerCase()}${role.slice(1)}`,
    exercise: `“${brief.title}”`,
    triggers: {},
    setup: `Let's rehearse “${brief.title}”. I'll play ${article} ${role.charAt(0).toLowerCase()}${role.slice(1)}, and I won't make it easy.`,
    opener: brief.openingLine,
    pushbacks: brief.pushbacks.map(pushbackLine),
    onVague: 'That is a slogan, not an answer. What, specifically, will be different, and by when?',
    onHedge: "You 'think', or you know? What is the evidence?",
    ...(brief.pushbacks.some((p) => MONEY.test(p)) ? { onNoNumbers: 'You have not given me a single number yet. What does it cost, and what does it return?' } : {}),
    closer: 'Thank you. I have heard enough to form a view.',
  };
}

/** The opening of a scenario session: in role straight away, with the way out said once. */
export function scenarioOpening(role: RehearsalRole): string {
  return `${role.setup} ${STEP_OUT_HINT} ${role.opener}`;
}
