/**
 * What the demo coach says around the topics: the opening, greetings, thanks, help, "I don't know",
 * one-word answers, off-topic steering, searches, rehearsal feedback and the goodbye. Alternatives in
 * one list are interchangeable; the coach picks with its seeded chooser and avoids repeats. Slots in
 * braces are filled by the coach (`{label}`, `{question}`…). Same voice as the topics: short spoken
 * sentences, candid, and one question at the end (the goodbye is the one line without a question).
 *
 * Browser-only module: never import from `src/server/**` here.
 */

export const LINES = {
  opening: [
    "Hello, I'm your AI coach. This is the demo, so I run on a script built from the platform's library, but the practice is real. We can work through an AI decision you're facing, or rehearse a tough conversation with me as the sceptic. What's the AI question on your desk right now?",
    "Good to meet you. I'm the demo coach: scripted, but built on the same library as the full product. Bring me a real decision on strategy, a business case, governance, regulation or your people, or ask me to play a sceptical CFO. Where do you want to start?",
  ],
  resume: [
    "Let's pick up where we left off. I'm the demo coach now, scripted but working from the same library. What would you like to go into next?",
  ],
  greeting: [
    "Hello. Good to have you here. What's the AI decision you'd most like to get right this quarter?",
    "Hi. Let's make this useful. What's on your desk right now: a strategy, a business case, a risk question, or a conversation you need to rehearse?",
  ],
  greetingMidway: ['Hello again. We were on {label}. {question}'],
  thanks: ["You're welcome. {question}", 'Glad it helps. {question}'],
  help: [
    'Here is how to use me. Tell me about an AI decision and I will diagnose it, advise, then push back. Ask me a factual question and I will check the library. Or say "play a sceptical CFO" to rehearse. What would you like to try?',
  ],
  repeatNothing: ["I haven't said anything worth repeating yet. What's the AI question on your desk?"],
  dontKnow: {
    diagnose: [
      "That's an honest answer, and a common one. Let me make it easier. {hint} What's your best guess?",
    ],
    later: [
      "Fair enough; not knowing is useful information. It usually means nobody owns the question yet, and that is your first fix. Who could find out within two weeks?",
      "That's fine. Then the next step is to find out, not to guess in front of the board. Who in your team would know?",
    ],
  },
  dontKnowHint: {
    default: 'Think of the last AI proposal that crossed your desk.',
  },
  short: [
    'Say a little more. {question}',
    "Give me a bit more to work with: a sentence or two is plenty. {question}",
  ],
  shortNoTopic: [
    "Tell me a little more. Is it strategy, a business case, governance and regulation, data, or your people that's on your mind?",
  ],
  noTopic: [
    "Let's narrow it down. Is your question mostly about strategy, the business case, governance and regulation, data and technology, or your people?",
    "I want to be useful rather than generic. Which is closest: deciding where AI goes, paying for it, keeping it safe and legal, or bringing people with you?",
  ],
  offTopic: [
    "That's outside what I can coach on; I'm here for leading with AI. Let's use the time well. {question}",
    "I'll leave that one to someone better qualified. I'm best at AI decisions and the conversations around them. {question}",
  ],
  openQuestion: "What's the AI decision on your desk right now?",
  topicSwitch: ["Good, let's turn to {label}.", "All right, {label}."],
  topicReturn: ["Back to {label}.", "Let's go back to {label}."],
  profileNoted: ['{profile}, noted.', 'Useful to know: {profile}.'],
  summarise:
    'Let me pull that together. On {label}: {takeaway}. Your next step: {nextStep}. Do you want to test it under pressure, with me as {role}, or move on to {related}?',
  topicDone: [
    'We have covered {label} for now. Do you want to rehearse it, with me as {role}, or move on to {related}?',
  ],
  declined: ["Fine. What's most on your mind instead?"],
  chooseRole: [
    'Happy to. Who should I play: a sceptical board member, your CFO, a journalist, a regulator, or your staff at a town hall?',
  ],
  rehearsalRestart: ['From the top, then, and I will be tougher this time.'],
  rehearsalResume: ['Back in role.'],
  stepOutIdle: ["We're not in a rehearsal right now. Want me to play a sceptical board member so you can practise your pitch?"],
  search: {
    intro: ['Let me check the library on that.', 'Good question. Let me look that up in the library.'],
    label: {
      knowledge: "From the platform's library:",
      other: 'From a search:',
    },
    briefing: "The full briefing, '{title}', is linked on screen.",
    stale: 'That is an earlier answer; search is unavailable right now, so treat it with care.',
    empty: [
      "The library has nothing on that yet, and in the demo I can't search the web, so I won't guess. {question}",
    ],
    failed: [
      "I couldn't look that up just now, and I won't guess at facts. Try asking again in a moment. Meanwhile, {question}",
    ],
    defaultQuestion: 'How does that apply to your situation?',
  },
  feedback: {
    intro: ['Stepping out of role.', "Let's step out for a moment."],
    nothingYet: 'We have barely started, so there is little to judge yet. Give me your first answer and I will have something for you. Shall we go back in?',
    strength: {
      numbers: 'You put numbers on the table, which is what a sceptic needs.',
      ask: 'You made a clear ask, so the other side knew what decision you wanted.',
      risk: 'You dealt with the risks head-on instead of waiting to be caught out.',
      concise: 'You kept your answers short enough to land.',
      default: 'You stayed engaged under pressure, which matters more than people think.',
    },
    gap: {
      noNumbers: 'But you never gave a figure: no baseline, no cost, no payback, and a sceptic hears that as "we do not know".',
      hedging: "But you hedged a lot, with words like 'hopefully' and 'we think'. Say what you know, say what you will test, and stop.",
      long: 'But your answers ran long. In the room, lead with the answer in one sentence, then the evidence.',
      noAsk: 'But you never said what you wanted: a decision, a budget or a date. End every answer on the ask.',
      noRisk: 'But you did not say what could go wrong, so a sceptic will assume you have not thought about it.',
      defaultMoney: 'Next time, open with the single number that matters most and build from there.',
      defaultMessage: 'Next time, land one message in your first sentence and come back to it every time you are pushed.',
    },
    question: 'Do you want to go again from the top, or take this back to coaching?',
  },
  goodbye: {
    covered: 'Good session. We covered {topics}.',
    takeaway: 'On {label}: {takeaway}.',
    rehearsed: 'And you rehearsed {exercise} against {role}.',
    nextStep: 'Your next step: {nextStep}. Come back when it is done and we will pressure-test it.',
    empty: 'Thanks for stopping by. Next time, bring one real AI decision you are facing, and we will work through it properly. Good luck.',
  },
} as const;

/** What "I don't know" at the diagnose stage gets as a prompt, per topic (else the default hint). */
export const DONT_KNOW_HINTS: Readonly<Record<string, string>> = {
  strategy: 'Think of the process where your competitors would least like you to get faster or cheaper.',
  'business-case': 'Pick the process that costs the most people-hours, even roughly.',
  measurement: 'Start with the one use case people already talk about.',
  'board-reporting': 'Think of the last time AI came up at the board and what they asked.',
  governance: 'Think of the last AI tool someone at work started using: who said yes?',
  regulation: 'Start with whether any AI system touches decisions about customers or employees.',
  security: 'Think of any AI tool that reads emails, documents or web pages.',
  'responsible-ai': 'Think of any system that scores, ranks or screens people.',
  data: 'Pick the use case you would most like to start with.',
  'build-buy': 'Think of the capability you keep being pitched by vendors.',
  vendors: 'Think of the AI product your teams most want to buy.',
  'pilot-production': 'Count roughly, even "about ten" is a start.',
  change: 'Think of what people say in the corridor, not in the survey.',
  talent: 'Think of who in your team you would trust to judge AI output today.',
};
