// How each step type is shown: its label, a hint from the guide and its form fields. Which steps
// a contact accepts is the server's to say (a contact's `allowed_steps`); nothing here decides it.

import { humanize } from './labels.js';

const CHANNEL_OPTIONS = [
  ['email', 'Email'],
  ['linkedin', 'LinkedIn'],
  ['twitter', 'Twitter'],
  ['other', 'Other'],
];

// The guide's Step 2 questions, offered as one-click additions.
export const SUGGESTED_QUESTIONS = [
  'What led you to your current role?',
  'What has been a favorite project you work on?',
  "What's something you wish you could change about your role or job?",
];

const channel = { name: 'channel', label: 'Channel', kind: 'select', options: CHANNEL_OPTIONS };
const duration = (defaultValue) => ({
  name: 'duration_minutes',
  label: 'Length (minutes)',
  kind: 'number',
  min: 5,
  max: 240,
  value: defaultValue,
});

export const CONTACT_FIELDS = [
  { name: 'name', label: 'Name', kind: 'text', required: true, maxlength: 200, autocomplete: 'off' },
  { name: 'email', label: 'Email', kind: 'email', autocomplete: 'off' },
  { name: 'company', label: 'Company', kind: 'text' },
  { name: 'role', label: 'Role', kind: 'text' },
  { name: 'linkedin_url', label: 'LinkedIn URL', kind: 'url', placeholder: 'https://www.linkedin.com/in/…' },
  {
    name: 'source',
    label: 'How you found them',
    kind: 'select',
    options: [
      ['cold_outreach', 'Cold outreach'],
      ['introduction', 'Introduction'],
    ],
  },
  { name: 'introduced_by', label: 'Introduced by', kind: 'text' },
  { name: 'notes', label: 'Notes', kind: 'textarea', maxlength: 10000 },
];

/** type → label, its fields, and a hint from the guide. */
export const STEPS = {
  introduction_requested: {
    label: 'Asked for an introduction',
    hint: 'Friends, family, classmates, colleagues, mentors and professors can introduce you.',
    fields: [{ name: 'via', label: 'Who did you ask?', kind: 'text' }],
  },
  outreach_sent: {
    label: 'Reached out',
    hint: 'Ask for a 30-minute conversation in the next few weeks, and let them suggest times.',
    fields: [channel, { name: 'message', label: 'Message', kind: 'textarea' }],
  },
  follow_up_sent: {
    label: 'Followed up',
    hint: 'Professionals are busy and many will not answer. That is fine.',
    fields: [channel, { name: 'message', label: 'Message', kind: 'textarea' }],
  },
  reply_received: {
    label: 'Got a reply',
    fields: [
      {
        name: 'outcome',
        label: 'Their answer',
        kind: 'radio',
        required: true,
        options: [
          ['accepted', 'Yes, they will talk'],
          ['declined', 'No, they declined'],
        ],
      },
    ],
  },
  interview_scheduled: {
    label: 'Interview scheduled',
    fields: [
      { name: 'starts_at', label: 'Starts at', kind: 'datetime', required: true },
      duration(30),
      { name: 'location', label: 'Where (place or video link)', kind: 'text' },
    ],
  },
  interview_rescheduled: {
    label: 'Interview rescheduled',
    fields: [
      { name: 'starts_at', label: 'New start', kind: 'datetime', required: true, from: 'interview.starts_at' },
      { ...duration(30), from: 'interview.duration_minutes' },
      { name: 'location', label: 'Where (place or video link)', kind: 'text', from: 'interview.location' },
    ],
  },
  interview_cancelled: {
    label: 'Interview cancelled',
    fields: [{ name: 'reason', label: 'Reason', kind: 'text' }],
  },
  research_noted: {
    label: 'Research noted',
    hint: 'Research the person, their current company and their past companies.',
    fields: [
      {
        name: 'subject',
        label: 'About',
        kind: 'select',
        options: [
          ['person', 'The person'],
          ['company', 'Their company'],
          ['past_company', 'A past company'],
        ],
      },
      { name: 'text', label: 'What you found', kind: 'textarea', required: true },
    ],
  },
  questions_prepared: {
    label: 'Questions prepared',
    hint: 'Ask specific questions that give insight, and keep it professional.',
    fields: [{ name: 'questions', label: 'Questions', kind: 'questions' }],
  },
  interview_completed: {
    label: 'Interview done',
    hint: 'Listen carefully, take notes, stay on topic and within the time you were given.',
    fields: [
      { name: 'notes', label: 'Notes from the conversation', kind: 'textarea' },
      { ...duration(undefined), from: 'interview.duration_minutes' },
    ],
  },
  thank_you_sent: {
    label: 'Thank-you sent',
    hint: 'A short email thanking them for their time.',
    fields: [channel],
  },
  linkedin_connected: {
    label: 'Connected on LinkedIn',
    fields: [{ name: 'profile_url', label: 'Profile URL', kind: 'url', from: 'linkedin_url' }],
  },
  reflection_recorded: {
    label: 'Reflection recorded',
    hint: 'Reflect on what you learned and how it relates to your career goals. Answer at least one.',
    fields: [
      {
        name: 'career_path',
        label: 'Their career path',
        kind: 'textarea',
        prompt: "What was the professional's career path? How did they advance from education to career?",
      },
      {
        name: 'obstacles',
        label: 'Obstacles they faced',
        kind: 'textarea',
        prompt: 'What obstacles did the professional face, and how did they overcome them?',
      },
      {
        name: 'lessons',
        label: 'What you learned',
        kind: 'textarea',
        prompt: 'What did you learn about building your career? What tactical tips did you acquire?',
      },
    ],
  },
  contact_updated: {
    label: 'Details updated',
    hint: 'Only the fields you change are sent.',
    fields: CONTACT_FIELDS.map((f) => ({ ...f, from: f.name, onlyChanged: true })),
  },
  contact_archived: {
    label: 'Archived',
    fields: [{ name: 'reason', label: 'Reason', kind: 'text' }],
  },
};

/** How a step type is shown; a type this page does not know yet gets its name and no fields. */
export function stepFields(type) {
  return STEPS[type] || { label: humanize(type), fields: [] };
}

/** The value at a dotted path of a contact ("interview.starts_at"). */
export function pick(contact, path) {
  return path.split('.').reduce((value, key) => (value == null ? undefined : value[key]), contact);
}
