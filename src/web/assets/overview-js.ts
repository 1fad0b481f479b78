// The overview's script, served as /static/overview.js (assets.ts); the page works without it. It keeps the
// page current (asks /overview.json every data-poll-ms and swaps the sections whose digest changed), sends
// feedback without a reload, and applies the filters as the analyst types. The sections are HTML the server
// rendered and escaped; nothing scraped is ever inserted by this script.

export const OVERVIEW_JS = `'use strict';
(function () {
  var body = document.body;
  var pollMs = Number(body.dataset.pollMs) || 10000;
  var stamp = body.dataset.stamp || '';
  var running = false;
  var again = false;

  function refresh(force) {
    if (running) { again = again || force; return Promise.resolve(); }
    running = true;
    return fetch('overview.json' + location.search, { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : undefined; })
      .then(function (data) {
        if (!data || (!force && data.stamp === stamp)) return;
        stamp = data.stamp;
        body.dataset.stamp = stamp;
        Object.keys(data.sections).forEach(function (name) {
          var el = document.querySelector('[data-section="' + name + '"]');
          if (el && el.innerHTML !== data.sections[name]) el.innerHTML = data.sections[name];
        });
      })
      .catch(function () { /* the server is away: the next tick asks again */ })
      .then(function () {
        running = false;
        if (again) { again = false; return refresh(true); }
      });
  }

  if (document.querySelector('[data-section]')) setInterval(function () { refresh(false); }, pollMs);

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('fb')) return;
    ev.preventDefault();
    var data = new URLSearchParams(new FormData(form, ev.submitter));
    fetch(form.action, { method: 'POST', body: data, headers: { accept: 'application/json' } })
      .then(function (r) {
        if (r.ok) return refresh(true);
        return r.json().then(function (e) { throw new Error(e.error || r.statusText); });
      })
      .catch(function (err) {
        var p = document.createElement('p');
        p.className = 'bad';
        p.setAttribute('role', 'alert');
        p.textContent = 'Not saved: ' + err.message;
        form.appendChild(p);
      });
  });

  var filters = document.getElementById('filters');
  if (filters) {
    var timer;
    var apply = function () {
      var q = new URLSearchParams(new FormData(filters));
      Array.from(q.keys()).forEach(function (k) { if (!q.get(k)) q.delete(k); });
      var s = q.toString();
      history.replaceState(null, '', s ? '?' + s : location.pathname);
      refresh(true);
    };
    filters.addEventListener('change', apply);
    filters.addEventListener('input', function (e) {
      if (e.target.name !== 'q') return;
      clearTimeout(timer);
      timer = setTimeout(apply, 250);
    });
    filters.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
  }
})();
`;
