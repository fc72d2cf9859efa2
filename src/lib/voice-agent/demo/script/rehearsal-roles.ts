/**
 * The counterparts the demo coach can play in a rehearsal (a board pitch, a budget defence, a press
 * interview, a regulator's review, a nervous town hall). In role the coach pushes back the way a
 * sceptical counterpart would: its objections in order, with a sharper reaction when an answer is vague,
 * hedged or has no numbers (each at most once, so a rehearsal always ends). Every in-role line ends with
 * a question, except the closer.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { Keywords } from '../demo-text';
import type { RehearsalRoleId, RoleId } from './topic-types';

export interface RehearsalRole {
  id: RehearsalRoleId;
  /** "a sceptical CFO": for "I'll play …" and the feedback. */
  name: string;
  /** What the user is rehearsing: "your budget defence". */
  exercise: string;
  /** Words that pick this role in "practise my board pitch", "play a sceptical CFO". */
  triggers: Keywords;
  /** Out of role: sets the scene and says how to step out. */
  setup: string;
  /** In role: the first question. */
  opener: string;
  /** In role, in order. */
  pushbacks: readonly string[];
  /** In role, when the answer is a few words or a slogan. */
  onVague: string;
  /** In role, when the answer hedges ("hopefully", "we think"). */
  onHedge: string;
  /** In role, when a money question got no figure (only for roles that care). */
  onNoNumbers?: string;
  /** In role, the last word before the coach steps out for feedback. */
  closer: string;
}

export const STEP_OUT_HINT = "Say 'feedback' whenever you want me to step out of role.";

export const REHEARSAL_ROLES: readonly (RehearsalRole & { id: RoleId })[] = [
  {
    id: 'board',
    name: 'a sceptical non-executive director',
    exercise: 'your board pitch',
    triggers: { board: 3, 'board pitch': 4, pitch: 2, director: 2, directors: 2, 'non exec*': 3, chair: 2, chairman: 2, investor: 2, investors: 2, shareholder: 2 },
    setup: "Right, I'll be the most sceptical non-executive on your board.",
    opener: 'So. You want the board behind an AI programme. In one minute: what are you asking us for, and why now?',
    pushbacks: [
      'We have heard a great many AI promises. What has the money we already spent actually delivered?',
      'And what is the worst thing that could go wrong? Who gets the phone call when it does?',
      'Why should we do this ourselves rather than wait a year and buy whatever works?',
      'How will we know in six months whether this is working, and what would make you stop it?',
    ],
    onVague: 'That is a slogan, not an answer. What, specifically, will be different in a year?',
    onHedge: "'Hopefully' is not a plan. What do you actually know today?",
    onNoNumbers: 'You have not given me a single number. What does it cost, and what does it return?',
    closer: 'Thank you. I have heard enough to form a view.',
  },
  {
    id: 'cfo',
    name: 'a sceptical CFO',
    exercise: 'your budget defence',
    triggers: { cfo: 4, 'finance director': 4, 'chief financial officer': 4, finance: 2, budget: 3, 'budget defence': 4, 'budget defense': 4, funding: 2, 'business case': 2 },
    setup: "Fine, I'll play a sceptical CFO with an overcommitted budget.",
    opener: 'I have ten minutes and no spare money. What are you asking for, and what do I get back?',
    pushbacks: [
      'Where does the saving actually show up in my numbers? Fewer costs, more revenue, or just busier people?',
      'What does this cost at full scale, including integration, support and usage when everyone is on it?',
      'What is the payback period, and which assumption is it most sensitive to?',
      'If I give you a third of what you asked for, what would you do with it?',
    ],
    onVague: 'I cannot put that in a budget. What is the figure?',
    onHedge: "You 'expect' or you know? What is the evidence?",
    onNoNumbers: 'No numbers yet. What is the baseline, and who measured it?',
    closer: 'Right. Send me one page with the baseline signed off by my team.',
  },
  {
    id: 'press',
    name: 'a business journalist on deadline',
    exercise: 'your press interview',
    triggers: { press: 4, journalist: 4, reporter: 4, media: 3, interview: 3, 'press interview': 5, newspaper: 3, tv: 2, podcast: 2 },
    setup: "All right, I'm a business journalist with a deadline and a story to fill.",
    opener: 'Thanks for taking my call. Your staff tell me this AI programme is really about cutting jobs. Is that true?',
    pushbacks: [
      'You say that, but can you guarantee that nobody will lose their job because of AI?',
      'What happens when your AI gets it wrong with a customer? Who is accountable?',
      'Are you using customer data to train these systems, and did customers agree to that?',
      'Critics say companies like yours are rushing this. Why should anyone believe you are being careful?',
    ],
    onVague: 'That sounds like a prepared statement. Can you give me a straight answer?',
    onHedge: 'You do not sound very sure. Are you?',
    closer: 'Okay, I think I have what I need for the piece.',
  },
  {
    id: 'regulator',
    name: 'a supervisor from your regulator',
    exercise: 'your regulatory review',
    triggers: { regulator: 4, supervisor: 3, supervisory: 3, inspector: 3, auditor: 3, audit: 2, 'compliance review': 4, examination: 2 },
    setup: "Very well, I'm a supervisor from your regulator, here for a routine review.",
    opener: 'Thank you for making time. Walk me through how you decide whether an AI system is high risk. Who signs that off?',
    pushbacks: [
      'Can you show me your inventory of AI systems, including the AI inside products you buy?',
      'How does a person actually oversee this system? Could they override it, and has anyone ever done so?',
      'What was your last AI incident, and what changed as a result?',
      'How do you know the system performs equally well for different groups of customers?',
    ],
    onVague: 'I will need more than that for my report. What evidence could you show me?',
    onHedge: "You 'believe' so? What documentation would confirm it?",
    closer: 'Thank you. We will set out our findings in writing.',
  },
  {
    id: 'staff',
    name: 'an employee representative at a town hall',
    exercise: 'your town hall',
    triggers: { 'town hall': 5, townhall: 5, 'all hands': 4, staff: 3, employees: 3, employee: 3, union: 4, 'works council': 5, team: 2, workforce: 3 },
    setup: "Okay, I'm an employee representative at your town hall, and people are nervous.",
    opener: 'People in my team have read that AI will replace jobs like theirs. What is the plan for us, honestly?',
    pushbacks: [
      'If the work gets done faster, what happens to the time? Does it mean fewer of us next year?',
      'Who decided this, and why were we not consulted before it was announced?',
      'Will we be trained properly, in work time, or is it another e-learning module?',
      'Is this system going to be used to monitor our performance?',
    ],
    onVague: 'With respect, that is what they always say. What does it mean for people like me?',
    onHedge: "'Probably' is not very reassuring. What can you actually commit to?",
    closer: 'Thanks. People will want to hear that again, in writing.',
  },
];

export function roleById(id: RoleId): RehearsalRole {
  return REHEARSAL_ROLES.find((r) => r.id === id)!;
}
