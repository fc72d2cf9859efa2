/**
 * Demo coach topics: strategy, the business case, measuring programmes and reporting to the board.
 * Grounded in the library briefings named in each `article`. See topic-types.ts for the writing rules.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { DemoTopic } from './topic-types';

export const STRATEGY_VALUE_TOPICS: readonly DemoTopic[] = [
  {
    id: 'strategy',
    label: 'your AI strategy',
    article: { slug: 'ai-strategy-for-the-enterprise', title: 'AI strategy for the enterprise: from experiments to advantage' },
    keywords: {
      'ai strategy': 3, 'strateg*': 3, vision: 1, roadmap: 2, 'priorit*': 1, portfolio: 1,
      'competitive advantage': 2, competitor: 1, 'competitors': 1, 'where to start': 2, 'use case*': 1, 'transformation': 1,
      'ai plan': 2, ambition: 1, 'lighthouse': 2, 'experiments': 1, 'disrupt*': 1,
    },
    diagnose: [
      'Most companies are not short of AI activity; they are short of a strategy that turns it into results. A strategy is a short list of business problems worth solving, not a list of tools. Which two or three business outcomes should AI move for {org} in the next eighteen months?',
      'Let me start where a board would. If I asked your executive team what AI has achieved so far, would they answer with pilots and licences, or with outcomes? Which business problem, if AI solved it, would matter most to {org}?',
    ],
    advise: [
      'Then pick few and go deep: two or three lighthouse programmes, each owned by an executive with a target, not a technology team with a budget. Everything else is experimentation with a strict limit. Who on your executive committee would own the first one?',
      'Good. Build the strategy around those outcomes, then name the capabilities you will build once and reuse: data, platform, skills and governance. That is what makes the second success cheaper than the first. Which of those four is weakest at {org} today?',
    ],
    insights: [
      {
        when: ['chatgpt', 'copilot', 'licen*', 'tool*', 'gpt*', 'llm*'],
        line: 'Careful: that is a tool choice, not a strategy. Rolling out an assistant is worth doing, but it rarely changes your competitive position on its own. What would you do with AI that a competitor buying the same licences could not copy?',
      },
      {
        when: ['pilot*', 'proof of concept*', 'poc*', 'experiment*'],
        line: 'Many pilots and no strategy is the most common picture I see. The fix is ruthless: rank the pilots by business value and readiness, fund the top two properly, and stop most of the rest. Which pilot would you kill tomorrow if you had to?',
      },
    ],
    challenge: [
      "Let me push back. If your strategy has no list of things you will deliberately not do with AI, it is a wish list. Everyone says yes to everything, and nothing gets enough money to finish. What is on your 'not doing' list?",
      'Here is the hard test. In twelve months, what single number will tell the board whether this strategy worked? If you cannot name it now, nobody will be able to later. What is that number?',
    ],
    takeaway: 'a short list of outcomes, each owned by an executive, with capabilities built once and reused',
    nextStep: 'write down your top three AI outcomes with an owner and a number against each',
    applyQuestion: 'Which of your current AI initiatives would survive that test?',
    rehearsal: 'board',
    related: ['business-case', 'board-reporting', 'pilot-production'],
  },
  {
    id: 'business-case',
    label: 'the business case',
    article: { slug: 'building-the-ai-business-case', title: 'Building the AI business case' },
    keywords: {
      'business case': 3, roi: 3, 'return on investment': 3, payback: 2, 'invest*': 1, 'budget*': 2, funding: 1, fund: 1,
      'cost*': 1, 'saving*': 2, 'save': 1, 'hours saved': 3, productivity: 2, 'value': 1, npv: 2, 'tco': 2, 'total cost': 2,
      'token*': 1, 'price*': 1, 'spend*': 1, 'justify': 2, 'cost of ownership': 3, 'benefit*': 1, 'money': 1, 'million*': 1,
    },
    diagnose: [
      "An AI business case lives or dies on one process and one number. 'Productivity' is not a number, and hours saved are not savings until someone decides what happens to the time. Which process will change, and what does it cost {org} today?",
      'Let us build it the way a sceptical finance committee would read it. It needs a specific process, a baseline someone has measured, and the full cost, not just licences. What is the process, and do you have a baseline for it?',
    ],
    advise: [
      'Then count value honestly: cost you actually remove, revenue you can trace, risk you reduce, and speed. And count the full cost: integration, data work, evaluation, change management and run costs at full adoption, not pilot scale. Which of those costs is nobody in your team talking about yet?',
      'Good. Now fund it in stages rather than in one go: a small first tranche to prove the two assumptions that would kill the case, then release more against evidence. Which two assumptions would kill your case if they were wrong?',
    ],
    insights: [
      {
        when: ['hours', 'time sav*', 'productiv*', 'efficien*', 'faster'],
        line: 'Be careful with time saved. The CFO will ask what happens to those hours: fewer contractors, more volume handled, or nothing at all. Only the first two are money. What will you do with the time you free up?',
      },
      {
        when: ['licen*', 'token*', 'subscription*', 'seat*'],
        line: 'Licences and tokens are usually the smallest part of the bill. Integration, data work, evaluation, security and change management decide the real total, and usage costs grow with success. Have you priced what this costs at full adoption, not at pilot scale?',
      },
    ],
    challenge: [
      'Let me play finance for a moment. Your case assumes adoption, but adoption is the thing AI programmes most often miss. If only half the people use it, does the case still pay back?',
      'Here is the question that stops most proposals. If nobody can say when you would pull the plug, the board will assume the answer is never. What are your stop criteria, and who has the authority to use them?',
    ],
    takeaway: 'anchor on one process and a measured baseline, count the full cost, and fund in stages against evidence',
    nextStep: 'get finance to sign off the baseline for your first use case before the pilot starts',
    applyQuestion: 'How would that change the numbers in your own case?',
    rehearsal: 'cfo',
    related: ['measurement', 'pilot-production', 'board-reporting'],
  },
  {
    id: 'measurement',
    label: 'measuring the programme',
    article: { slug: 'measuring-ai-programmes', title: 'Measuring AI programmes: KPIs, leading and lagging indicators' },
    keywords: {
      'kpi*': 3, 'metric*': 3, 'measur*': 2, 'scorecard': 3, 'indicator*': 2, 'track*': 1, 'success': 1, 'baseline*': 2,
      'benefits realisation': 3, 'benefits tracking': 3, 'dashboard': 1, 'is it working': 2, 'results': 1, 'outcome*': 1, 'adoption rate*': 2,
    },
    diagnose: [
      "Most executives can tell me how many pilots they run and how many licences they bought. Neither says whether the business is better off. If I asked how {org}'s AI programme is going, what evidence would you show me?",
      'Measurement is where AI programmes quietly lose credibility. Activity counts feel like progress but prove nothing. What do you measure today, and against what baseline?',
    ],
    advise: [
      'Measure in layers. Adoption and quality are your leading indicators: they tell you early whether it will work. Business outcomes are the lagging ones, always against a baseline, with cost and risk on the same page. Which leading indicator would warn you first that a use case is failing?',
      'Keep the scorecard to one page: for each use case, adoption, quality, the outcome against its baseline, the cost to date, and any incidents. If a number cannot trigger a decision, drop it. Who would own that scorecard at {org}?',
    ],
    insights: [
      {
        when: ['licen*', 'pilot*', 'trained', 'training', 'users', 'login*', 'log in', 'usage'],
        line: "Those are activity measures. They matter for adoption, but a board will hear them as effort, not results. Pair each with an outcome: cycle time, error rate, revenue, cost per case. Which outcome would you pair with your usage numbers?",
      },
    ],
    challenge: [
      'Here is the awkward question. How will you separate what AI did from everything else that changed in the same quarter? Without a control group or at least a clean before-and-after, someone will claim the credit and someone else will dispute it. How will you attribute the result?',
      'Let me challenge the incentives. If the team that runs the programme also reports its results, the numbers will drift upwards. Who independent of the programme will validate the benefits?',
    ],
    takeaway: 'track adoption and quality as early warnings and business outcomes against a baseline, with cost and risk on the same page',
    nextStep: 'draft a one-page scorecard with a baseline for each live use case',
    applyQuestion: 'Which of those would you be able to report next month?',
    rehearsal: 'board',
    related: ['board-reporting', 'business-case', 'pilot-production'],
  },
  {
    id: 'board-reporting',
    label: 'reporting to the board',
    article: { slug: 'board-reporting-on-ai', title: 'Reporting on AI to the board' },
    keywords: {
      'board': 2, 'board report*': 3, 'board meeting': 2, 'board paper': 3, 'directors': 2, 'non executive*': 2, 
      'audit committee': 2, 'oversight': 2, 'chair': 1, 'chairman': 1, 'chairwoman': 1, 'shareholder*': 1, 'investor*': 1, 'report to': 1,
      'risk appetite': 2,
    },
    diagnose: [
      'Boards need AI reporting that connects strategy, value, risk and readiness on a few pages, and most get either a technology update or nothing until something goes wrong. What does your board see about AI today, and how often?',
      'The board is accountable for AI whether or not it understands it, so your reporting has to make oversight possible. What decision do you need from your board in the next six months?',
    ],
    advise: [
      'Give them a standing report with five sections: what AI is doing for the business, what it costs, which high-risk systems exist and who owns them, what went wrong, and which decisions they must take. Keep it to a few pages and send it every quarter, not only when asked. Which of those five would be hardest for you to fill in today?',
      'Lead with the decision you need, then the evidence. Directors remember one number and one risk, so choose them deliberately. What is the one number and the one risk you want them to remember?',
    ],
    insights: [
      {
        when: ["don't understand", 'not technical', 'non technical', 'sceptic*', 'skeptic*', 'old fashioned'],
        line: 'Then capability is part of your job. A short, practical session for the board on what AI can and cannot do pays back in better questions. But never let the briefing replace the report. Who on your board asks the sharpest questions about AI today?',
      },
    ],
    challenge: [
      "Here is the warning sign I look for: reporting that only ever shows green. A board that never hears about an incident or a stopped project will stop trusting the report. What bad news are you prepared to put in front of them?",
      'Let me push on this. If a director asked you tomorrow for a list of every AI system you run, including AI inside vendor products, could you produce it? If not, what would it take?',
    ],
    takeaway: 'a regular few-page report on value, cost, high-risk systems, incidents and decisions, leading with the ask',
    nextStep: 'draft next quarter\'s AI report around the one decision you need from the board',
    applyQuestion: 'How close is your current board pack to that?',
    rehearsal: 'board',
    related: ['governance', 'measurement', 'strategy'],
  },
];
