/**
 * Demo coach topics: change management and the workforce, and talent and upskilling. Grounded in the
 * library briefings named in each `article`. See topic-types.ts for the writing rules.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { DemoTopic } from './topic-types';

export const PEOPLE_TOPICS: readonly DemoTopic[] = [
  {
    id: 'change',
    label: 'change and the workforce',
    article: { slug: 'change-management-for-ai-adoption', title: 'Change management for AI adoption' },
    keywords: {
      'change management': 4, 'change': 1, 'adoption': 3, 'adopt*': 2, 'culture': 3, 'resistance': 3, 'resist*': 2, 'employees': 2,
      'staff': 2, 'workforce': 3, 'jobs': 3, 'job losses': 4, 'layoff*': 3, 'redundanc*': 3, 'headcount': 3, 'union*': 3,
      'works council': 4, 'fear*': 2, 'morale': 2, 'town hall': 2, 'communicat*': 1, 'people': 1, 'team*': 1, 'champions': 2,
    },
    diagnose: [
      'AI programmes fail more often on adoption than on technology. People adopt when leaders use it visibly, the work is redesigned around it, and their fears are answered honestly. What are your people most worried about?',
      'No topic in AI creates more anxiety than jobs, and few are handled worse: leaders either say nothing, which people hear as bad news, or promise nobody will lose their job, which they may not be able to keep. What have you told your people so far?',
    ],
    advise: [
      'Then say what you know and what you do not. AI changes tasks before it changes jobs, so analyse the work at task level, decide deliberately between redeploying capacity and reducing roles, and involve employees and their representatives early. Which decision have you not yet made that your people are waiting for?',
      'Equip your managers; they carry most of the change. Give them time, examples from their own teams and the answers to the three questions everyone asks: will my job change, will I be trained, and is it safe to admit I use it. Are your managers ready to answer those?',
    ],
    insights: [
      {
        when: ['no one will lose', 'nobody will lose', 'no job losses', 'no layoffs', 'promise*', 'guarantee*'],
        line: 'Be careful with that promise. If you cannot keep it, you will lose the trust adoption depends on. A safer line is what you are committing to: how decisions will be made, who will be consulted and what support people will get. What could you commit to honestly?',
      },
      {
        when: ['union*', 'works council', 'representative*', 'consult*'],
        line: 'Good instinct to involve them early. In much of Europe you will have to anyway, and the AI Act expects employers to inform workers\' representatives before using high-risk AI at work. Bring them in before the decisions are made, not after. When could that first conversation happen?',
      },
    ],
    challenge: [
      'Let me push. Do you use these tools yourself, visibly? People watch what leaders do far more than what they say. What did you personally use AI for this week?',
      'Here is the hard measure: are people still using it three months after launch, and has the work actually changed? Logins are not adoption. How would you know?',
    ],
    takeaway: 'tell people what you know and do not know, redesign the work at task level, and equip managers to lead the change',
    nextStep: 'draft the honest answer to "what happens to my job" and test it on a few managers before you say it widely',
    applyQuestion: 'How would that land with your teams?',
    rehearsal: 'staff',
    related: ['talent', 'pilot-production', 'responsible-ai'],
  },
  {
    id: 'talent',
    label: 'talent and upskilling',
    article: { slug: 'ai-talent-and-upskilling', title: 'AI talent and upskilling: building the skills your organisation needs' },
    keywords: {
      'talent': 3, 'skill*': 3, 'upskill*': 4, 'reskill*': 4, 'training': 2, 'train': 1, 'learning': 1, 'literacy': 3, 'hire': 2,
      'hiring': 3, 'recruit*': 2, 'data scientist*': 3, 'engineers': 1, 'capabilit*': 1, 'academy': 2, 'course*': 1,
    },
    diagnose: [
      'When leaders think about AI talent they picture scarce engineers. You need a few, but the bigger gap is usually AI-literate executives, managers who can redesign work, and experts who can tell when a model is wrong. Where is the gap largest at {org}?',
      'Upskilling fails when it is a course people click through. It works when people practise on their real work. What have you tried so far, and did it change how anyone works?',
    ],
    advise: [
      'Then build skills by role. Executives need judgement, managers need to redesign work, experts need to check output, and everyone needs confidence with the tools. Put learning into real tasks, with a small core of specialists to support it. Which population would you start with?',
      'Build, buy or borrow: grow most skills inside, hire a small core of specialists, and borrow partners for speed. Measure progress by what people can do, not by hours of training. What would good look like for your managers in six months?',
    ],
    challenge: [
      'Let me push. If your specialists sit in a central team far from the business, they will build things nobody uses. How close are they to the work?',
      'Here is the test: in the EU, AI literacy for staff who use AI is already a legal expectation. Could you show what your people have learned and how you know?',
    ],
    takeaway: 'build skills by role through practice on real work, with a small core of specialists rather than an army',
    nextStep: 'pick one team and give them a month of practice on their own real tasks, with an expert on hand',
    applyQuestion: 'How does that compare with what you offer today?',
    rehearsal: 'staff',
    related: ['change', 'strategy', 'measurement'],
  },
];
