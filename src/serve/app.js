// The pages' one script (served as /static/app.js): upload with progress, the live
// determination, ICD-10 and procedure-code checks of the form. No library, no network
// beyond this server. Embedded at build time (cmake/embed_text.cmake → app_js.cpp).
'use strict';
(function () {
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function text(el, t) { el.textContent = t; return el; }
  function make(tag, cls, t) { var e = document.createElement(tag); if (cls) e.className = cls; if (t !== undefined) e.textContent = t; return e; }

  // ---- step 1: upload (files, a folder or a zip; drag and drop) with a progress bar
  function setupUpload(form) {
    var drop = $('#drop'), status = $('#upload-status'), progress = $('#progress'), dropped = [];
    function send(files) {
      if (!files.length) { text(status, 'Choose files, a folder or a zip first.'); return; }
      var data = new FormData();
      files.forEach(function (f) { data.append('files', f, f.webkitRelativePath || f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/uploads');
      progress.hidden = false; progress.value = 0;
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total); };
      xhr.onload = function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = { error: 'unexpected answer' }; }
        if (xhr.status === 200 && body.upload) { text(status, 'Read ' + body.plan_sets.length + ' plan set(s).'); location.href = '/uploads/' + body.upload; }
        else { status.className = 'error'; text(status, 'Upload refused: ' + (body.error || xhr.status)); }
      };
      xhr.onerror = function () { status.className = 'error'; text(status, 'Upload failed (connection).'); };
      text(status, 'Uploading ' + files.length + ' file(s)...');
      xhr.send(data);
    }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var files = dropped.slice();
      $$('input[type=file]', form).forEach(function (i) { files = files.concat(Array.prototype.slice.call(i.files)); });
      send(files);
    });
    ['dragenter', 'dragover'].forEach(function (n) { drop.addEventListener(n, function (e) { e.preventDefault(); drop.classList.add('over'); }); });
    drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
    drop.addEventListener('drop', function (e) {
      e.preventDefault(); drop.classList.remove('over');
      var items = e.dataTransfer.items, pending = 0, files = [];
      function done() { if (--pending === 0) { dropped = files; send(files); } }
      function walk(entry) {
        pending++;
        if (entry.isFile) entry.file(function (f) { files.push(f); done(); }, done);
        else if (entry.isDirectory) {
          var reader = entry.createReader();
          (function more() { reader.readEntries(function (list) { if (!list.length) { done(); return; } list.forEach(walk); more(); }, done); })();
        } else done();
      }
      if (items && items.length && items[0].webkitGetAsEntry) {
        pending++;
        for (var i = 0; i < items.length; i++) { var en = items[i].webkitGetAsEntry(); if (en) walk(en); }
        done();
      } else { dropped = Array.prototype.slice.call(e.dataTransfer.files); send(dropped); }
    });
  }

  // ---- step 3: the case from the form, the live determination, ICD-10 checks
  function collect(base) {
    var c = JSON.parse(JSON.stringify(base));
    $$('[data-field]').forEach(function (i) {
      var path = i.getAttribute('data-field').split('.'), o = c;
      for (var k = 0; k < path.length - 1; k++) { if (!o[path[k]] || typeof o[path[k]] !== 'object') o[path[k]] = {}; o = o[path[k]]; }
      o[path[path.length - 1]] = i.value.trim();
    });
    var who = $('#clin-name').value.trim(), role = $('#clin-role').value.trim();
    c.physicians = (c.physicians || []).filter(function (p) { return p.role !== 'ordering'; });
    if ($('#ord-name').value.trim() || $('#ord-npi').value.trim())
      c.physicians.unshift({ role: 'ordering', name: $('#ord-name').value.trim(), npi: $('#ord-npi').value.trim() });
    c.diagnoses = $$('.dx').map(function (i) { return i.value.trim(); }).filter(Boolean);
    c.procedures = $$('.proc').map(function (row) {
      return { code: $('.code', row).value.trim(), modifiers: $('.mods', row).value.trim().split(/[\s,]+/).filter(Boolean), units: 1 };
    }).filter(function (p) { return p.code; });
    var postOp = $('#post-op');
    if (postOp) c.post_operative = postOp.value === '' ? null : postOp.value === 'true';
    c.prior_radiation = $$('.prior').map(function (row) {
      var gy = $('.dose', row).value.trim();
      return { region: $('.region', row).value.trim(), dose_gy: gy === '' ? null : Number(gy), date: $('.date', row).value };
    }).filter(function (p) { return p.region || p.dose_gy !== null || p.date; });
    var asked = $$('select.fact').map(function (s) { return s.getAttribute('data-fact'); });
    c.facts = (c.facts || []).filter(function (f) { return asked.indexOf(f.name) < 0; });
    $$('select.fact').forEach(function (s) { if (s.value) c.facts.push({ name: s.getAttribute('data-fact'), value: s.value }); });
    c.indications = []; c.exclusions = [];
    $$('fieldset.assert').forEach(function (f) {
      var checked = $('input[type=radio]:checked', f), v = checked ? checked.value : '';
      if (!v) return;
      var a = { criterion: f.getAttribute('data-criterion'), present: v === 'yes', by: who, role: role, note: $('.note', f).value.trim() };
      (f.getAttribute('data-kind') === 'exclusion' ? c.exclusions : c.indications).push(a);
    });
    c.exclusions_reviewed = $('#excl-reviewed').checked ? { name: who, role: role, date: $('#excl-date').value } : null;
    var kinds = $$('fieldset.doc').map(function (f) { return f.getAttribute('data-kind'); });
    c.documents = (c.documents || []).filter(function (d) { return kinds.indexOf(d.kind) < 0 && kinds.indexOf(d.loinc) < 0; });
    $$('fieldset.doc').forEach(function (f) {
      if (!$('.supplied', f).checked) return;
      var signers = $$('.signer', f).map(function (r) { return { name: $('.name', r).value.trim(), role: r.getAttribute('data-role'), date: $('.date', r).value }; })
        .filter(function (s) { return s.name; });
      var kind = f.getAttribute('data-kind'), loinc = $('.loinc', f).value;
      c.documents.push({ kind: /^\d+-\d$/.test(kind) ? '' : kind, loinc: /^\d+-\d$/.test(kind) ? kind : loinc, date: $('.date', f).value, title: $('.title', f).value.trim(), signed_by: signers });
    });
    c.rationale = $('#rationale').value.trim();
    return c;
  }

  function showDetermination(panel, body, ok) {
    panel.textContent = '';
    if (!ok) { panel.appendChild(make('p', 'error', body.error || 'error')); return; }
    var overall = make('p', 'outcome');
    overall.appendChild(make('span', 'badge b-' + body.overall.replace(/ /g, '-'), body.overall));
    overall.appendChild(document.createTextNode(' overall'));
    panel.appendChild(overall);
    body.determinations.forEach(function (d) {
      var o = (d.outcome || '').replace(/ /g, '-'), div = make('div', 'determination o-' + o);
      div.setAttribute('data-policy', d.policy.id);
      var h = make('p');
      h.appendChild(make('strong', '', d.policy.id + ' '));
      h.appendChild(make('span', 'badge b-' + o, d.outcome));
      h.appendChild(document.createTextNode(' ' + (d.summary || '')));
      div.appendChild(h);
      if (d.missing && d.missing.length) {
        var ul = make('ul', 'compact');
        d.missing.slice(0, 8).forEach(function (m) { ul.appendChild(make('li', 'muted', m)); });
        div.appendChild(ul);
      }
      panel.appendChild(div);
    });
  }

  function setupForm(dataEl) {
    var request = JSON.parse(dataEl.textContent), upload = dataEl.getAttribute('data-upload');
    var panel = $('#determination'), timer = null, seq = 0;
    function current() { return { plan_set: request.plan_set, 'case': collect(request['case']) }; }
    function evaluate() {
      var mine = ++seq;
      panel.setAttribute('aria-busy', 'true');
      fetch('/api/uploads/' + upload + '/evaluate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(current()) })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (r) { if (mine === seq) { showDetermination(panel, r.body, r.ok); panel.setAttribute('aria-busy', 'false'); document.body.setAttribute('data-evaluated', String(mine)); } })
        .catch(function () { text(panel, 'The server did not answer.'); });
    }
    function later() { clearTimeout(timer); timer = setTimeout(evaluate, 300); }
    $('#case-form').addEventListener('input', later);
    $('#case-form').addEventListener('change', later);
    $$('.dx').forEach(function (i) {
      function check() {
        var out = $('#' + i.id + 's'), code = i.value.trim();
        if (!code) { text(out, ''); return; }
        fetch('/api/icd10?code=' + encodeURIComponent(code)).then(function (r) { return r.json(); }).then(function (b) {
          if (i.value.trim() !== code) return;
          out.className = 'dx-status ' + (b.valid && !b.message ? 'ok' : 'error');
          i.setAttribute('aria-invalid', b.valid ? 'false' : 'true');
          text(out, b.valid ? (b.sites.length ? 'site: ' + b.sites.map(function (s) { return s.label; }).join(', ') : (b.message || 'valid, no disease site')) : b.message);
        });
      }
      i.addEventListener('input', check);
      check();
    });
    // Deleted / professional-only procedure codes for the date of service, per code row.
    function checkCode(row) {
      var input = $('.code', row), out = $('.code-status', row), code = input.value.trim(), date = $('#dos').value;
      if (!code || !date) { text(out, ''); row.removeAttribute('data-code-status'); return; }
      fetch('/api/procedure-code?code=' + encodeURIComponent(code) + '&date=' + encodeURIComponent(date))
        .then(function (r) { return r.json(); })
        .then(function (b) {
          if (input.value.trim() !== code || $('#dos').value !== date) return;
          var status = b.status || 'error';
          out.className = 'code-status ' + (status === 'current' ? '' : status === 'deleted' || !b.status ? 'error' : 'muted');
          input.setAttribute('aria-invalid', status === 'deleted' ? 'true' : 'false');
          row.setAttribute('data-code-status', status);
          text(out, b.message || b.error || '');
        });
    }
    $$('.proc').forEach(function (row) { $('.code', row).addEventListener('input', function () { checkCode(row); }); checkCode(row); });
    ['input', 'change'].forEach(function (n) { $('#dos').addEventListener(n, function () { $$('.proc').forEach(checkCode); }); });
    $('#downloads').addEventListener('submit', function () { $('#download-request').value = JSON.stringify(current()); });
    evaluate();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var up = $('#upload-form'), data = $('#request-data');
    if (up) setupUpload(up);
    if (data) setupForm(data);
  });
})();
