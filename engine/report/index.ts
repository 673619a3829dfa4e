export { gatherReportData, type ReportData, type ReportDiff } from './data';
export { renderReport, REPORT_CSP } from './html';
export { runReportHtml, writeRunReport, excludeFromGit, type ReportDeps } from './write';
