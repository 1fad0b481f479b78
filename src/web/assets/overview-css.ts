// The pages' stylesheet, served as /static/overview.css (assets.ts): the CSP allows no inline style of ours.
// Below 640 px a table's rows become blocks, so a phone never scrolls sideways.

export const OVERVIEW_CSS = `
body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:0 1rem 3rem;color:#1b1b1b;background:#fff}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.92rem}
td,th{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #eee;vertical-align:top;overflow-wrap:anywhere}
a{color:#0b5cad}.scroll{overflow-x:auto}.bad{color:#a40000;font-weight:600}.ok{color:#1d6b1d}.muted{color:#666}
.scn{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .8rem;flex:1 1 20rem;min-width:0}
.p{font-size:1.6rem;font-weight:600}svg.trend{display:block;width:100%;height:auto;margin:.3rem 0}
.changes{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.9rem}.chg.up{color:#a40000}.chg.down{color:#1d6b1d}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-size:.8rem;font-weight:600;color:#fff;background:#777}
.st-active{background:#0b5cad}.st-quiet{background:#6b7280}.st-overdue{background:#a40000}.st-in-window{background:#6d28d9}
.badge.flag{background:#b86e00}tr.flagged td{background:#fff4e5}
.sev{font-weight:600}.sev-high{color:#b86e00}.sev-critical{color:#a40000}
mark{background:#ffe58a;color:inherit;padding:0 .1em}
.filters{display:flex;flex-wrap:wrap;gap:.4rem .8rem;align-items:end;margin:.6rem 0}
.filters label{display:flex;flex-direction:column;font-size:.85rem;color:#444}
.filters input,.filters select{font:inherit;max-width:100%}.filters input[type=search]{width:14rem;max-width:calc(100vw - 3rem)}
form.fb{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin-top:.35rem}
form.fb button,form.um button{font:inherit;font-size:.8rem;padding:.15rem .5rem;border:1px solid #aaa;border-radius:4px;background:#f6f8fa;cursor:pointer}
form.fb button.chosen{background:#1b1b1b;color:#fff;border-color:#1b1b1b}
form.um{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin-top:.3rem}form.um select{font:inherit;font-size:.85rem;max-width:100%}
.snippet{font-weight:500}
@media (max-width:640px){
  body{padding:0 .6rem 2rem}
  table,thead,tbody,tr,td,th{display:block;width:auto}
  thead{display:none}
  tr{border-bottom:1px solid #ddd;padding:.4rem 0}
  td{border:0;padding:.15rem 0}
  .card{flex-basis:100%}
}
`;
