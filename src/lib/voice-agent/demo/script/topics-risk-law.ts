/**
 * Demo coach topics: governance and risk, regulation (the EU AI Act and beyond), generative-AI security
 * and responsible AI. Grounded in the library briefings named in each `article`. The coach gives
 * direction here, not legal advice: exact obligations and dates come from a library search, which the
 * coach runs for factual questions (see ../demo-intent.ts). See topic-types.ts for the writing rules.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { DemoTopic } from './topic-types';

export const RISK_LAW_TOPICS: readonly DemoTopic[] = [
  {
    id: 'governance',
    label: 'AI governance',
    article: { slug: 'ai-governance-operating-model', title: 'Designing an AI governance operating model' },
    keywords: {
      'govern*': 3, 'ai council': 3, 'committee': 1, 'accountab*': 2, 'inventory': 2, 'risk tier*': 3, 'tiering': 2, 'approval*': 1,
      'policy': 1, 'policies': 1, 'controls': 1, 'oversight': 1, 'risk': 1, 'risks': 1, 'risk management': 2, 'nist': 2, 'iso 42001': 3,
      '42001': 2, 'three lines': 2, 'agent*': 1, 'agentic': 2, 'incident*': 1, 'kill switch': 2, 'shadow ai': 3,
    },
    diagnose: [
      'Governance is an operating model, not a committee. Done well, it makes safe AI faster to ship, not just slower. Who at {org} can say yes or no to a new AI use today, and how long does that take?',
      'A quick test of any governance set-up: could you show a regulator or a major customer next week how you decide which AI gets built, bought and used? What would you show them?',
    ],
    advise: [
      'The heart of it is risk tiering. Most uses are low risk and should go through a light, fast path; a few touch customers, money or rights and deserve real scrutiny. Without tiers, everything queues behind the hardest case. How many of your current uses would you call high risk?',
      'Start with an inventory. You cannot govern what you cannot see, and that includes AI inside the products you buy. Then give every high-risk system a named business owner, not an IT owner. Do you have that inventory today?',
    ],
    insights: [
      {
        when: ['committee', 'council', 'board', 'steering'],
        line: 'A committee is useful, but it is not governance. Governance is the decisions, roles, approval path and controls that run every week without the committee meeting. What happens to a new use case between two committee meetings?',
      },
      {
        when: ['shadow ai', 'chatgpt', 'ban*', 'block*', 'personal account*'],
        line: 'Banning public tools rarely works; people move to their phones and you lose sight of it. Give them a sanctioned, safe alternative, set clear rules on what data may go in, and monitor. What safe option can you offer within a month?',
      },
      {
        when: ['agent*', 'autonomous', 'agentic'],
        line: 'Agents change the risk because they act, not just answer. Start with bounded tasks, give each agent a least-privilege identity, require human approval for anything consequential, log everything and keep a way to stop it. Which action would you never let an agent take without a person signing off?',
      },
    ],
    challenge: [
      'Let me be the sceptic. If your approval path takes three months, teams will route around it and you will have shadow AI instead of governance. How fast is your fast path, really?',
      'Here is what usually breaks first: the incident. If one of your AI systems gave a customer harmful advice tonight, who decides to switch it off, and do they know it is their call?',
    ],
    takeaway: 'a risk-tiered approval path, a complete inventory and a named owner for every high-risk system, built to make safe AI faster',
    nextStep: 'commission an inventory of every AI system, including AI inside vendor products, with an owner and a risk tier for each',
    applyQuestion: 'Where does that leave your current set-up?',
    rehearsal: 'regulator',
    related: ['regulation', 'board-reporting', 'responsible-ai'],
  },
  {
    id: 'regulation',
    label: 'regulation and the EU AI Act',
    article: { slug: 'eu-ai-act-high-risk-systems', title: 'The EU AI Act: high-risk systems' },
    keywords: {
      'eu ai act': 4, 'ai act': 4, 'regulat*': 3, 'compliance': 2, 'comply': 2, 'law': 1, 'laws': 1, 'legal': 1, 'legislation': 2,
      'high risk': 2, 'high-risk': 2, 'prohibited': 2, 'banned': 1, 'gpai': 3, 'general purpose ai': 3, 'conformity': 3, 'annex iii': 3,
      'gdpr': 2, 'privacy': 2, 'personal data': 2, 'data protection': 2, 'dpia': 3, 'copyright': 2, 'intellectual property': 2,
      'colorado': 2, 'fines': 1, 'fined': 1, 'penalt*': 1, 'brussels': 1, 'europe*': 1, 'eu': 1, 'fca': 1, 'regulator*': 2,
    },
    diagnose: [
      'With regulation, the first question is not what the law says but what role you play. Under the EU AI Act, a provider that builds a high-risk system carries most of the obligations; a deployer that uses one carries fewer, but real ones. For your most important AI system, is {org} the provider or the deployer?',
      'Most organisations overestimate how much of their AI is high risk and underestimate how much ordinary law already applies: data protection, consumer and employment rules. Which of your AI uses touch hiring, credit, insurance pricing or access to services?',
    ],
    advise: [
      'Then map before you panic. List your AI systems, mark the few that could be high risk, check the short list of prohibited practices, and note which you build and which you buy. The obligations follow from that map, not from headlines. Who owns that map at {org}?',
      'For the high-risk ones, the work is concrete: risk management, data governance, documentation, logging, human oversight and accuracy testing. Your vendors must give you instructions for use and evidence. Have your vendors committed to that in writing?',
    ],
    insights: [
      {
        when: ['usa', 'u s', 'america*', 'united states', 'uk', 'china', 'global', 'multinational', 'colorado'],
        line: 'Outside the EU it is a patchwork: in the US, state laws plus existing consumer, employment and financial rules; in the UK, existing regulators applying principles. A workable answer is one global baseline set to your strictest market, plus local additions. Which market sets your strictest bar?',
      },
      {
        when: ['gdpr', 'privacy', 'personal data', 'data protection', 'dpia'],
        line: 'Data protection law already applies fully to AI, and data protection authorities have been among its most active regulators. You need a lawful basis, transparency, safeguards for automated decisions and an impact assessment for high-risk processing. Has your data protection officer seen your AI plans yet?',
      },
      {
        when: ['copyright', 'intellectual property', 'ip', 'own the output'],
        line: 'The law on training data and ownership of outputs is unsettled, so manage it through contracts and usage rules: vendor indemnities, rules on what may be published unreviewed, and real human input where ownership matters. Who signs off on AI-generated content that goes to customers?',
      },
    ],
    challenge: [
      'Here is a trap I see often. If you rebrand a vendor\'s system, change its purpose or modify it substantially, you can become the provider, with the full set of obligations. Are any of your projects heading that way?',
      'Let me test your timeline. Are you planning against the dates in the Act as adopted, and is someone tracking the amendments and standards still being finalised? Who exactly?',
    ],
    takeaway: 'know your role, provider or deployer, for each system, map the few high-risk uses, and remember ordinary law already applies',
    nextStep: 'list your AI systems with your role and a provisional risk class for each, and check them against the prohibited practices',
    applyQuestion: 'Which of your systems does that bring into scope?',
    rehearsal: 'regulator',
    related: ['governance', 'responsible-ai', 'vendors'],
  },
  {
    id: 'security',
    label: 'generative AI security',
    article: { slug: 'generative-ai-security', title: 'Generative AI security: prompt injection, data leakage and the model supply chain' },
    keywords: {
      'secur*': 3, 'cyber*': 3, 'prompt injection': 4, 'injection': 2, 'jailbreak*': 3, 'data leak*': 3, 'leak*': 2, 'ciso': 2,
      'hack*': 2, 'attack*': 2, 'red team*': 3, 'owasp': 3, 'supply chain': 2, 'breach*': 2, 'confidential*': 1, 'threat*': 1,
    },
    diagnose: [
      'Generative AI takes instructions in plain language from anyone whose text reaches it: an email, a web page, a document. That one property creates a new class of attack, prompt injection. Which of your AI systems read content from outside {org}?',
      'Security teams tend to treat AI as just another application, and mostly they are right. The new part is that the model itself can be talked into things. What can your AI systems do, not just say: send emails, change records, make payments?',
    ],
    advise: [
      'Then treat model output as untrusted input and limit what the AI can do. Give it the least privilege it needs, put a person in front of anything consequential, and keep sensitive data out of places it can leak from. Which permission would you take away first?',
      'Make it a programme, not a one-off review: an inventory of models and plugins, rules on what data goes where, red-teaming before launch and monitoring after. Has anyone tried to break your most important AI system on purpose yet?',
    ],
    insights: [
      {
        when: ['leak*', 'confidential*', 'secret*', 'chatgpt', 'paste*'],
        line: 'Leakage is usually mundane: people pasting confidential material into consumer tools, or an assistant that can see more files than the person asking. Fix permissions before you roll out enterprise search or copilots. Do you know what your assistant can see on behalf of each user?',
      },
    ],
    challenge: [
      'Let me push. If your answer is "the vendor handles security", ask what they do about prompt injection, what they log, and what notice you get when the model changes. Would your vendor\'s answers survive your CISO?',
      'Here is the test: an attacker hides an instruction in a supplier invoice your AI reads. What stops the AI from following it?',
    ],
    takeaway: 'treat model output as untrusted, give AI the least privilege it needs, fix data permissions first, and red-team before launch',
    nextStep: 'ask your CISO for a red-team exercise on the AI system with the most access',
    applyQuestion: 'How exposed does that leave your current systems?',
    rehearsal: 'board',
    related: ['governance', 'vendors', 'data'],
  },
  {
    id: 'responsible-ai',
    label: 'responsible AI',
    article: { slug: 'responsible-ai-and-bias', title: 'Responsible AI and bias: turning principles into practice' },
    keywords: {
      'responsible ai': 4, 'responsib*': 1, 'ethic*': 3, 'bias*': 3, 'fairness': 3, 'fair': 1, 'discriminat*': 3, 'explainab*': 3,
      'transparen*': 2, 'trust*': 1, 'values': 1, 'principles': 2, 'human rights': 2, 'harm*': 1,
    },
    diagnose: [
      'Nearly every large organisation has published AI principles; far fewer can show a decision those principles changed. Responsible AI is the practice, not the poster. Can you name one AI decision at {org} that went differently because of your principles?',
      'Bias is not one thing you switch off. Fairness has to be defined for each use: equal outcomes, equal error rates, or equal treatment, and they can conflict. Which of your AI uses makes or shapes decisions about people?',
    ],
    advise: [
      'Then make it concrete for that use: define what fair means there, measure it before launch and after, and give someone with authority the job of acting on it. Document the choice and the trade-off. Who would own that at {org}?',
      'Build it into delivery rather than adding a review at the end: an impact assessment at the start, tests on representative data, a way for people affected to challenge a decision, and monitoring after launch. Which of those steps is missing today?',
    ],
    challenge: [
      'Let me push. Trade-offs made silently by engineers are still decisions. If the fair option costs you accuracy or money, who decides, and is that written down?',
      'Here is the hard one: would you be comfortable if a journalist read the impact assessment for your most sensitive AI system tomorrow? If not, what would you change first?',
    ],
    takeaway: 'define fairness per use, measure it before and after launch, and give an accountable owner the authority to act',
    nextStep: 'pick the AI use that most affects people and write down what fair means there and how you will measure it',
    applyQuestion: 'How would that apply to the use that worries you most?',
    rehearsal: 'press',
    related: ['governance', 'regulation', 'change'],
  },
];
