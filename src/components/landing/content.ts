/** Copy for the landing page (src/pages/index.astro): data, not markup. */
import Building from '@lucide/astro/icons/building';
import ChartColumn from '@lucide/astro/icons/chart-column';
import Clock from '@lucide/astro/icons/clock';
import Gavel from '@lucide/astro/icons/gavel';
import Handshake from '@lucide/astro/icons/handshake';
import KeyRound from '@lucide/astro/icons/key-round';
import MessagesSquare from '@lucide/astro/icons/messages-square';
import Mic from '@lucide/astro/icons/mic';
import Newspaper from '@lucide/astro/icons/newspaper';
import Presentation from '@lucide/astro/icons/presentation';
import ShieldCheck from '@lucide/astro/icons/shield-check';
import UserX from '@lucide/astro/icons/user-x';
import Users from '@lucide/astro/icons/users';

export const audiences = [
  {
    icon: Building,
    title: 'Chief executives and MDs',
    body: 'You set the AI agenda and carry it into the boardroom. Rehearse the pitch, the trade-offs and the questions you would rather not be asked first in front of the board.',
  },
  {
    icon: ChartColumn,
    title: 'Finance and operations leaders',
    body: 'You own the business case. Practise defending spend, payback and risk in numbers a sceptical CFO or audit committee will accept.',
  },
  {
    icon: Users,
    title: 'People, comms and legal leaders',
    body: 'You hold the trust. Prepare for the town hall, the journalist and the regulator, where a vague answer costs more than a hard one.',
  },
];

export const steps = [
  {
    icon: Presentation,
    title: 'Choose the room',
    body: 'Pick a scenario and who sits across the table: your board, your CFO, a vendor, a reporter, your workforce or a regulator. Add your own context in a sentence or two.',
  },
  {
    icon: Mic,
    title: 'Talk it through, out loud',
    body: 'Speak as you would in the meeting. The coach answers in voice, interrupts, follows up, and searches the web mid-conversation to test your claims against current facts.',
  },
  {
    icon: MessagesSquare,
    title: 'Take the debrief',
    body: 'Hear what landed, what sounded evasive and which question you dodged, then run it again with a sharper answer while it is fresh.',
  },
];

/** The landing page's six scenarios, each linking to its brief (src/content/scenarios/<slug>.md). */
export const scenarios = [
  {
    icon: Presentation,
    title: 'Board pitch for an AI programme',
    href: '/scenarios/pitch-ai-strategy-to-the-board',
    across: 'Chair and non-executive directors',
    question: '“Which of our competitors has done this, and what did it actually return?”',
  },
  {
    icon: ChartColumn,
    title: 'Budget defence with your CFO',
    href: '/scenarios/defend-ai-budget-to-the-cfo',
    across: 'A CFO who has seen pilots stall',
    question: '“What is the payback if adoption plateaus at twenty per cent?”',
  },
  {
    icon: Handshake,
    title: 'Vendor negotiation',
    href: '/scenarios/negotiate-enterprise-ai-contract',
    across: 'An enterprise AI vendor’s account lead',
    question: '“Our standard terms do not cover model changes. Is that a deal-breaker?”',
  },
  {
    icon: Newspaper,
    title: 'Press interview after an AI incident',
    href: '/scenarios/press-interview-after-ai-incident',
    across: 'A well-briefed technology reporter',
    question: '“When did you first know the system was getting it wrong?”',
  },
  {
    icon: UserX,
    title: 'Town hall on AI and jobs',
    href: '/scenarios/town-hall-on-ai-and-jobs',
    across: 'Employees, a union representative, your own managers',
    question: '“Can you promise no one here loses their job to this?”',
  },
  {
    icon: Gavel,
    title: 'Regulator and auditor questions',
    href: '/scenarios/auditor-questions-on-ai-act-compliance',
    across: 'A supervisor or external auditor',
    question: '“Show us how you monitor this model after it goes live.”',
  },
];

export const trustPoints = [
  {
    icon: KeyRound,
    title: 'Your key never leaves the server',
    body: 'The OpenAI API key lives in server configuration only. Your browser never sees it.',
  },
  {
    icon: Clock,
    title: 'Short-lived tokens',
    body: 'Your browser gets a session credential, never the key. It expires shortly after it is issued, and ending the session retires it at once.',
  },
  {
    icon: UserX,
    title: 'No account needed',
    body: 'No sign-up, no email, no profile. A session is an anonymous id that lives only as long as its token.',
  },
  {
    icon: ShieldCheck,
    title: 'Nothing recorded by us',
    body: 'The platform keeps no audio and no transcripts. Your IP address is used only to apply fair-use rate limits.',
  },
];
