// The safety policy: what a command or Python file the agent runs may do. See README.md.
export { recordBlock, formatLogLine, SAFETY_LOG } from './audit-log';
export { checkPythonFile } from './check-python';
export { type CheckContext, appDataPaths, checkShellCommand, defaultPrivateDirs } from './check-shell';
export {
  type BlockedPattern,
  type LoadPolicyOptions,
  type Policy,
  PolicyFileError,
  defaultUserPolicyPath,
  loadPolicy,
} from './load-policy';
export { type PolicyVerdict, blockMessage } from './verdict';
export {
  type PolicyRules,
  type RuleIssue,
  type UserPolicyInfo,
  checkPolicyRules,
  readUserPolicy,
  saveUserPolicy,
} from './user-policy';
