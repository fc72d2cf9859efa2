/**
 * Demo coach topics: data readiness, build/buy/partner, vendor selection and pilot to production.
 * Grounded in the library briefings named in each `article`. See topic-types.ts for the writing rules.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { DemoTopic } from './topic-types';

export const DELIVERY_TOPICS: readonly DemoTopic[] = [
  {
    id: 'data',
    label: 'data readiness',
    article: { slug: 'data-readiness-for-ai', title: 'Data readiness for AI' },
    keywords: {
      'data': 2, 'data quality': 3, 'data readiness': 4, 'data governance': 3, 'data platform': 3, 'data owner*': 3, 'dataset*': 2,
      'data lake': 3, 'warehouse': 1, 'silo*': 2, 'legacy': 1, 'systems': 1, 'unstructured': 2, 'documents': 1, 'sharepoint': 2, 'retrieval': 2,
      'rag': 2, 'permissions': 1, 'master data': 3, 'clean*': 1,
    },
    diagnose: [
      'AI is only as good as the data it can reach. Readiness comes down to five questions: what data you have, who owns it, whether it is fit for the purpose, whether you are allowed to use it, and whether systems can reach it securely. For your first use case, which of those five is the weakest?',
      'Everyone says their data is a mess. The useful question is whether it is good enough for one specific use, not whether it is perfect everywhere. Which use case are we talking about, and what data does it depend on?',
    ],
    advise: [
      'Then fix data use case by use case, not in a multi-year clean-up programme that never reaches the business. Give each important data set a business owner who answers for its quality and its permitted uses. Who would own the data your first use case needs?',
      'For generative AI the data is mostly documents, emails and policies, and the risk is permissions. An assistant that searches everything will find the salary file. Clean up access before you connect AI to your content. Do you know who can see what today?',
    ],
    insights: [
      {
        when: ['silo*', 'legacy', 'mainframe', 'fragment*', 'many systems', 'spreadsheet*'],
        line: 'Silos are normal; do not wait for a single platform to fix them. Connect the two or three sources your first use case needs, and make that connection reusable for the next one. Which two systems would your first use case have to join up?',
      },
    ],
    challenge: [
      'Let me push. Fitness for purpose includes fairness, and that means checking who is missing from the data. If your AI made worse decisions for one customer group, would you even know?',
      'Here is the uncomfortable question: are you allowed to use this data for AI at all? Data collected for one purpose is not automatically available for another. Has your legal team said yes in writing?',
    ],
    takeaway: 'make data fit for one use case at a time, with a business owner for each data set and permissions fixed before AI can search them',
    nextStep: 'name a business owner for the data behind your first use case and check that you may use it for AI',
    applyQuestion: 'How does your data stand against that?',
    rehearsal: 'board',
    related: ['pilot-production', 'security', 'build-buy'],
  },
  {
    id: 'build-buy',
    label: 'build, buy or partner',
    article: { slug: 'build-buy-or-partner', title: 'Build, buy or partner' },
    keywords: {
      'build or buy': 4, 'build vs buy': 4, 'build versus buy': 4, 'make or buy': 4, 'buy or build': 4, 'build': 1, 'buy': 1,
      'in house': 2, 'in-house': 2, 'partner*': 1, 'outsourc*': 2, 'open source': 2, 'open weight*': 3, 'own model': 3,
      'fine tun*': 2, 'platform': 1, 'lock in': 3, 'lock-in': 3, 'sourcing': 2,
    },
    diagnose: [
      'The rule of thumb: buy where AI is a commodity, build where it touches the data and processes that make you different, and partner where you need speed or skills you lack. For the capability you are weighing, is it something customers choose {org} for?',
      'Build versus buy usually gets argued on cost. It should be argued on differentiation, data sensitivity, control and how fast the market is moving. What exactly are you deciding whether to build?',
    ],
    advise: [
      'Then the sensible default is to buy the platform and the models, and build the thin layer on top that encodes your know-how: your data, your workflows, your evaluation. That is where your advantage sits, and it is portable. What would that layer be for you?',
      'Avoid lock-in without paralysis: keep your data, prompts and evaluation sets in your own hands, and make sure you could switch the model underneath within a quarter. Could you switch model provider in three months today?',
    ],
    challenge: [
      'Let me challenge the build case. Models and tools improve every few months; what you build today may be a commodity next year. What will you have that a vendor cannot sell to your competitor?',
      'And the buy case: if the vendor raises prices by half or changes the model under you, what is your plan? Who owns that exit plan?',
    ],
    takeaway: 'buy the commodity, build the thin layer that encodes your know-how, and keep your data and evaluations portable',
    nextStep: 'score the decision on differentiation, data sensitivity, control, total cost and market speed before anyone writes code',
    applyQuestion: 'Which way does that tip your decision?',
    rehearsal: 'cfo',
    related: ['vendors', 'business-case', 'data'],
  },
  {
    id: 'vendors',
    label: 'vendor selection and contracts',
    article: { slug: 'ai-vendor-selection-and-contracts', title: 'Choosing AI vendors and negotiating contract terms' },
    keywords: {
      'vendor*': 3, 'supplier*': 2, 'procure*': 3, 'contract*': 3, 'rfp': 3, 'tender': 2, 'due diligence': 3, 'indemnit*': 3,
      'sla': 2, 'negotiat*': 2, 'microsoft': 1, 'openai': 1, 'google': 1, 'aws': 1, 'salesforce': 1, 'terms': 1,
    },
    diagnose: [
      'AI procurement looks like software procurement, and that is the trap. The product behaves probabilistically, changes when the vendor updates the model, and may learn from your data. Which vendor decision is in front of you right now?',
      'Select on evidence from your own data, not on demos. A demo shows the best case the vendor could find. Have you tested the shortlisted products on your own cases yet?',
    ],
    advise: [
      'Run a structured test: twenty to fifty of your real cases, scored by your own experts, including the hard ones. Then compare accuracy, cost per case and how each vendor handles errors. Who in the business would do the scoring?',
      'In the contract, insist on what matters for AI: no training on your data, clear retention, notice before the model changes, security and performance commitments, IP indemnities, cooperation with regulators, and a clean exit with your data. Which of those is the vendor resisting?',
    ],
    challenge: [
      'Let me push. What happens when the vendor swaps the underlying model next quarter and your results change overnight? Does your contract give you notice and the right to test first?',
      'Here is the negotiation question: do you have a credible alternative? Without one, you have no leverage. What is your second choice, and does the vendor know it exists?',
    ],
    takeaway: 'choose on evidence from your own cases, and contract for data use, model-change notice, indemnities and a clean exit',
    nextStep: 'build a test set of your own real cases and make every shortlisted vendor run it',
    applyQuestion: 'Does your current contract cover that?',
    rehearsal: 'cfo',
    related: ['build-buy', 'security', 'regulation'],
  },
  {
    id: 'pilot-production',
    label: 'getting from pilot to production',
    article: { slug: 'pilot-to-production', title: 'From pilot to production: scaling AI beyond experiments' },
    keywords: {
      'pilot*': 3, 'production': 3, 'scale': 2, 'scaling': 3, 'scale up': 3, 'proof of concept': 3, 'poc': 3, 'deploy*': 2,
      'roll out': 2, 'rollout': 2, 'purgatory': 3, 'mlops': 3, 'llmops': 3, 'go live': 2, 'live': 1, 'prototype*': 2, 'stuck': 1,
    },
    diagnose: [
      'Most pilots never reach production because they were built to show that something can work, not that it can run every day for thousands of people, safely and at an acceptable cost. How many AI pilots do you have, and how many are in production?',
      'Pilot purgatory is the most common state of enterprise AI, and the reasons are rarely technical. Take your most promising pilot: who in the business owns it, and what would they need to see to scale it?',
    ],
    advise: [
      'Design the pilot for production from day one: a business owner, real data and real integration, evaluation against agreed criteria, controls, change management and the run cost at scale. Agree up front the criteria to scale or to stop. What are the criteria for yours?',
      'Treat scaling as a product, not a project: a team that stays with it, a budget that covers running it, and someone measuring adoption every week. Projects end; products improve. Who will own it the day after go-live?',
    ],
    challenge: [
      'Let me push. If one of your pilots had to be stopped tomorrow, could you? A portfolio with no stopped pilots is a sign the criteria are not real. When did you last stop one?',
      'Here is the production test: what does it cost to run this for every user, every day, including evaluation, monitoring and support? Has finance seen that number?',
    ],
    takeaway: 'design pilots for production from day one, with a business owner, agreed criteria to scale or stop, and the run cost known',
    nextStep: 'write scale-or-stop criteria for your most promising pilot and agree them with its business owner',
    applyQuestion: 'Which of your pilots would pass that bar today?',
    rehearsal: 'cfo',
    related: ['measurement', 'change', 'business-case'],
  },
];
