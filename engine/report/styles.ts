/**
 * The report's one stylesheet, inline in the page (the CSP allows inline styles and nothing else): light by
 * default, dark where the reader's system prefers it, and a print style (white, no shadows, sections kept whole
 * where they fit) so the browser's print and `--pdf` give a clean PDF.
 */
export const REPORT_CSS = `
:root{--bg:#f7f7f8;--card:#fff;--fg:#1b1d21;--muted:#5b6270;--line:#d9dce1;--accent:#2f6fdf;--good:#1b7f3b;
--bad:#b3261e;--warn:#9a6700;--code:#f0f1f3;--mark-kept:#1b7f3b;--mark-rev:#b3261e;--mark-ab:#7a7f88;--bar:#2f6fdf}
@media (prefers-color-scheme:dark){:root{--bg:#15171b;--card:#1e2127;--fg:#e6e8eb;--muted:#a0a7b3;--line:#343943;
--accent:#7aa7ff;--good:#5fd07f;--bad:#ff8a80;--warn:#e3b341;--code:#262a31;--mark-kept:#5fd07f;--mark-rev:#ff8a80;
--mark-ab:#9aa1ab;--bar:#7aa7ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1040px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.6rem;margin:.2rem 0 .4rem}h2{font-size:1.2rem;margin:0 0 .8rem}h3{font-size:1rem;margin:1rem 0 .4rem}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:16px 0}
.meta,.hint,.empty{color:var(--muted);font-size:.9rem}
.pill{display:inline-block;border-radius:999px;padding:1px 10px;font-size:.85rem;font-weight:600;border:1px solid currentColor}
.pill.completed{color:var(--good)}.pill.failed{color:var(--bad)}.pill.cancelled,.pill.interrupted{color:var(--warn)}
.pill.running,.pill.paused,.pill.pending{color:var(--accent)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card dt{color:var(--muted);font-size:.78rem;text-transform:uppercase;letter-spacing:.04em}
.card dd{margin:2px 0 0;font-size:1.35rem;font-weight:650}.card dd small{display:block;font-size:.8rem;font-weight:400;color:var(--muted)}
.card dd .self{vertical-align:middle}
.good{color:var(--good)}.bad{color:var(--bad)}.warn{color:var(--warn)}
.reason{margin:.8rem 0 0;font-size:1rem}
.self{font-size:.72rem;font-weight:600;color:var(--warn);border:1px solid currentColor;border-radius:4px;padding:0 4px;margin-left:4px;white-space:nowrap}
.chart{max-width:100%;height:auto;display:block}
.chart text{fill:var(--muted);font-size:11px;font-family:inherit}.chart .node-label{fill:var(--fg);font-size:12px}
.chart .grid{stroke:var(--line);stroke-width:1}.chart .axis{stroke:var(--muted)}
.chart .target{stroke:var(--warn);stroke-width:1.5;stroke-dasharray:6 4}.chart .target-label{fill:var(--warn)}
.chart .best-line{fill:none;stroke:var(--accent);stroke-width:2}
.chart .m-kept{fill:var(--mark-kept)}.chart .m-baseline{fill:var(--accent)}
.chart .m-reverted{fill:var(--card);stroke:var(--mark-rev);stroke-width:2}
.chart .m-abandoned,.chart .m-failed{stroke:var(--mark-ab);stroke-width:2}.chart .m-failed{stroke:var(--bad)}
.chart .edge{fill:none;stroke:var(--line);stroke-width:1.5}.chart .bar{fill:var(--bar)}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:.85rem;color:var(--muted);margin-top:6px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}
th{color:var(--muted);font-weight:600;font-size:.8rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.kept td:first-child{box-shadow:inset 3px 0 var(--mark-kept)}tr.best td{font-weight:600}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.82rem}
pre{background:var(--code);padding:10px;border-radius:6px;overflow-x:auto;white-space:pre;max-height:480px}
.md pre{white-space:pre-wrap}.md{overflow-wrap:anywhere}.md h1{font-size:1.1rem}.md h2{font-size:1.02rem}.md h3,.md h4{font-size:.95rem}
td.hyp{min-width:260px;max-width:420px;overflow-wrap:anywhere}td.change{min-width:120px}
details summary{cursor:pointer;color:var(--accent)}
dl.kv{display:grid;grid-template-columns:minmax(160px,max-content) 1fr;gap:4px 16px;margin:0}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}
footer{color:var(--muted);font-size:.8rem;text-align:center}
@media print{:root{--bg:#fff;--card:#fff;--fg:#000;--muted:#444;--line:#ccc;--code:#f4f4f4}
body{font-size:11pt}main{max-width:none;padding:0}section{border:none;border-radius:0;padding:8px 0;margin:8px 0;break-inside:avoid-page}
section.long{break-inside:auto}pre{max-height:none;white-space:pre-wrap}a{color:inherit}}
`;
