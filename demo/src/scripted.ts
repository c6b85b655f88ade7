/** The agent's sample workload: one interaction per channel, with scripted customer lines. */
import type { Channel } from '@flagline/core';

export interface DemoInteraction {
  id: string;
  channel: Channel;
  customer: string;
  topic: string;
  /** What the customer says, one line every few seconds, then silence. */
  script: string[];
}

export function interactionsFor(agentId: string): DemoInteraction[] {
  return [
    {
      id: `${agentId}-call-1042`,
      channel: 'voice',
      customer: 'Jordan Price',
      topic: 'Cancel subscription',
      script: [
        "Hi, I've been charged twice this month.",
        'I want to cancel everything today.',
        "This is the third time I'm calling about it!",
        'Can I speak to someone who can actually fix this?',
      ],
    },
    {
      id: `${agentId}-msg-2210`,
      channel: 'enhanced-messaging',
      customer: 'Priya Natarajan',
      topic: 'Delivery delayed',
      script: ['Hello? My order #88231 was due yesterday.', 'The tracking has not moved for 4 days.', 'I need it before Friday, it is a gift.'],
    },
    {
      id: `${agentId}-chat-3307`,
      channel: 'enhanced-chat',
      customer: 'Marco Rossi',
      topic: 'Refund over policy limit',
      script: ['I returned the TV two weeks ago.', 'Still no refund. It was €1,899.', 'Your policy says 5 days!'],
    },
    {
      id: `${agentId}-legacy-4419`,
      channel: 'legacy-chat',
      customer: 'Ana Souza',
      topic: 'Password reset',
      script: ['I cannot log in to my account.', 'The reset email never arrives.'],
    },
  ];
}

export const CHANNEL_LABEL: Record<Channel, string> = {
  voice: 'Voice call',
  'enhanced-messaging': 'Messaging',
  'enhanced-chat': 'Chat',
  'legacy-chat': 'Legacy chat',
};
