// Words people read for the API's codes: statuses, next actions, event types, field names.

export const STATUSES = [
  'identified',
  'reaching_out',
  'scheduled',
  'interviewed',
  'followed_up',
  'reflected',
  'declined',
  'archived',
];

export const STATUS_LABELS = {
  identified: 'Identified',
  reaching_out: 'Reaching out',
  scheduled: 'Scheduled',
  interviewed: 'Interviewed',
  followed_up: 'Followed up',
  reflected: 'Reflected',
  declined: 'Declined',
  archived: 'Archived',
};

export const ACTION_LABELS = {
  reach_out: 'Reach out',
  follow_up: 'Follow up',
  move_on: 'Move on (no reply after the last follow-up)',
  schedule_interview: 'Schedule the interview',
  prepare_questions: 'Prepare questions',
  attend_interview: 'Attend the interview',
  log_interview: 'Log how the interview went',
  send_thank_you: 'Send a thank-you',
  connect_linkedin: 'Connect on LinkedIn',
  reflect: 'Reflect on the conversation',
};

export const EVENT_LABELS = {
  contact_added: 'Contact added',
  contact_created: 'Contact added',
  introduction_requested: 'Asked for an introduction',
  outreach_sent: 'Reached out',
  follow_up_sent: 'Followed up',
  reply_received: 'Got a reply',
  interview_scheduled: 'Interview scheduled',
  interview_rescheduled: 'Interview rescheduled',
  interview_cancelled: 'Interview cancelled',
  research_noted: 'Research noted',
  questions_prepared: 'Questions prepared',
  interview_completed: 'Interview done',
  thank_you_sent: 'Thank-you sent',
  linkedin_connected: 'Connected on LinkedIn',
  reflection_recorded: 'Reflection recorded',
  contact_updated: 'Details updated',
  contact_archived: 'Archived',
  contact_erased: 'Personal data erased',
  reminder_sent: 'Reminder emailed',
  step_retracted: 'Undid the last step',
  contact_reopened: 'Reopened',
  reminder_snoozed: 'Reminder snoozed',
};

export const FIELD_LABELS = {
  name: 'Name',
  email: 'Email',
  company: 'Company',
  role: 'Role',
  linkedin_url: 'LinkedIn URL',
  source: 'Source',
  introduced_by: 'Introduced by',
  notes: 'Notes',
  via: 'Asked',
  channel: 'Channel',
  message: 'Message',
  outcome: 'Outcome',
  starts_at: 'Starts',
  duration_minutes: 'Minutes',
  location: 'Where',
  reason: 'Reason',
  subject: 'About',
  text: 'Notes',
  questions: 'Questions',
  profile_url: 'Profile',
  career_path: 'Career path',
  obstacles: 'Obstacles',
  lessons: 'Lessons',
  action: 'Action',
  due_at: 'Due',
  until: 'Until',
};

// The settings form's labels; the API's messages may name a setting by its code.
export const SETTING_LABELS = {
  email: 'Reminder email address',
  timezone: 'Timezone',
  reminder_hour: 'Reminder hour',
  reminders_enabled: 'Email me reminders',
  follow_up_after_business_days: 'Follow up after (business days)',
  max_follow_ups: 'Follow-ups before moving on',
};

export const VALUE_LABELS = {
  email: 'Email',
  linkedin: 'LinkedIn',
  twitter: 'Twitter',
  other: 'Other',
  accepted: 'Accepted',
  declined: 'Declined',
  person: 'The person',
  company: 'Their company',
  past_company: 'A past company',
  introduction: 'Introduction',
  cold_outreach: 'Cold outreach',
};

/** A readable phrase for a code nobody listed (a newer server may send new event types). */
export function humanize(code) {
  const text = String(code || '').replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function label(table, code) {
  return table[code] || humanize(code);
}

// Only multi-word codes (max_follow_ups, linkedin_url): a lone "name" or "email" is also an
// ordinary word in a sentence and is left alone.
const SNAKE_CODE = /\b[a-z]+(?:_[a-z]+)+\b/g;

/** A message from the API with the setting and field codes it names said in the form's words. */
export function inPlainWords(message) {
  return String(message || '').replace(SNAKE_CODE, (code) => {
    const words = SETTING_LABELS[code] || FIELD_LABELS[code];
    return words ? `“${words}”` : code;
  });
}
