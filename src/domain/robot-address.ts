/**
 * Local parts that belong to machines (bounces, notifications, list software): mail from them is never a submission
 * (classify), and nothing is ever sent to them (replies). Answering a robot starts a mail loop. One rule for both,
 * so the two can never drift apart again.
 */
const ROBOT_LOCAL = /^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|donotreply|bounce[s]?|notification[s]?|auto-?reply|autoresponder|daemon|root|nobody)([+._-].*)?$|^owner-|-request$|^bounce[s]?[+-]/i;

/** Whether the local part of an address (before the @) names a machine: postmaster, noreply, bounce+…, notifications. */
export function isRobotLocalPart(local: string): boolean {
  return ROBOT_LOCAL.test(local);
}
