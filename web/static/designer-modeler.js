/* The designer's modeler page: bpmn-js editing the draft's diagrams one file at a time,
 * saving them to the server, showing the server's check of the whole draft (the checks
 * of `ketnap check`) in a table and on the elements themselves, and deploying the draft.
 *
 * The page (templates/designer/modeler.html) gives the URLs in data- attributes and the
 * texts, forms and resolvers in a JSON block. `window.ketnapModeler` is the bpmn-js
 * instance, for the browser tests and the console.
 */
(function () {
  'use strict';

  var page = document.getElementById('modeler-page');
  var data = JSON.parse(document.getElementById('designer-data').textContent);
  var text = data.text;
  var files = {};        // file name -> newest XML (in memory, maybe not saved yet)
  var dirty = {};        // file name -> true when changed since the last save
  var current = null;    // the file on the canvas
  var importing = false;
  var problems = [];
  var leaving = false;   // a confirmed discard or a deploy: no "unsaved changes" question
  var modeler;

  function fill(template, values) {
    return template.replace(/{(\w+)}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function status(message) {
    page.querySelector('[data-testid=modeler-status]').textContent = message;
  }

  function call(method, url, body) {
    return fetch(url, {
      method: method, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json',
                 'X-CSRFToken': page.dataset.csrf },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) {
        return { ok: response.ok, body: json };
      }, function () { return { ok: false, body: { problems: [], error: response.statusText } }; });
    });
  }

  // -- problems ---------------------------------------------------------------------

  function cell(row, value) {
    var td = document.createElement('td');
    td.textContent = value;
    row.appendChild(td);
  }

  // The element by its name, as the diagram shows it, and its id for the XML.
  function elementCell(row, p) {
    var td = document.createElement('td');
    if (p.name) { td.appendChild(document.createTextNode(p.name + ' ')); }
    if (p.element) { var c = document.createElement('code'); c.textContent = p.element; td.appendChild(c); }
    row.appendChild(td);
  }

  function showProblems(list) {
    problems = list || [];
    var box = document.getElementById('problems');
    box.textContent = '';
    var summary = document.createElement('p');
    summary.className = problems.length ? 'text-danger fw-semibold' : 'text-success';
    summary.setAttribute('data-testid', 'problem-summary');
    summary.textContent = problems.length ? fill(text.problems, { n: problems.length }) : text.ok;
    box.appendChild(summary);
    if (problems.length) { box.appendChild(problemTable()); }
    markProblems();
  }

  function problemTable() {
    var table = document.createElement('table');
    table.className = 'table table-sm small';
    var head = table.createTHead().insertRow();
    [text.file, text.line, text.element, text.message].forEach(function (h) {
      var th = document.createElement('th'); th.textContent = h; head.appendChild(th);
    });
    var body = table.createTBody();
    problems.forEach(function (p) {
      var row = body.insertRow();
      row.setAttribute('data-testid', 'problem-row');
      row.setAttribute('data-element', p.element || '');
      cell(row, p.file || ''); cell(row, p.line || ''); elementCell(row, p); cell(row, p.message);
      if (p.element) {
        row.classList.add('problem-link');
        row.addEventListener('click', function () { reveal(p); });
      }
    });
    return table;
  }

  function reveal(problem) {
    var go = problem.file && problem.file !== current && files[problem.file] ? open(problem.file) : Promise.resolve();
    go.then(function () {
      var element = modeler.get('elementRegistry').get(problem.element);
      if (element) {
        modeler.get('selection').select(element);
        modeler.get('canvas').scrollToElement(element);
      }
    });
  }

  function markProblems() {
    if (!modeler || !current) { return; }
    var registry = modeler.get('elementRegistry');
    var overlays = modeler.get('overlays');
    var canvas = modeler.get('canvas');
    overlays.remove({ type: 'ketnap-problem' });
    registry.forEach(function (element) { canvas.removeMarker(element, 'ketnap-problem'); });
    var byElement = {};
    problems.forEach(function (p) {
      if (p.element && (!p.file || p.file === current) && registry.get(p.element)) {
        (byElement[p.element] = byElement[p.element] || []).push(p.message);  // on its element: no name needed
      }
    });
    Object.keys(byElement).forEach(function (id) {
      canvas.addMarker(id, 'ketnap-problem');
      var badge = document.createElement('div');
      badge.className = 'ketnap-problem-badge';
      badge.setAttribute('data-testid', 'problem-badge');
      badge.setAttribute('data-element', id);
      badge.title = byElement[id].join('\n');
      badge.textContent = String(byElement[id].length);
      overlays.add(id, 'ketnap-problem', { position: { top: -10, right: 10 }, html: badge });
    });
  }

  // -- files ------------------------------------------------------------------------

  /* References bpmn-js cannot resolve would be dropped on export. SpiffWorkflow names
   * data by such references (a multi-instance's loopDataInputRef is a data field, not an
   * element id), and other tools' files hold their own: keep each as it was written. */
  function keepReferences(warnings) {
    var moddle = modeler.get('moddle');
    warnings.forEach(function (warning) {
      if (!warning.property || !warning.value || !warning.element) { return; }
      var descriptor = moddle.getPropertyDescriptor(warning.element, warning.property);
      var standIn = moddle.create('bpmn:DataInput', { id: warning.value });
      if (descriptor && descriptor.isMany) {
        warning.element.get(warning.property).push(standIn);
      } else {
        warning.element.set(warning.property, standIn);
      }
    });
  }

  function importKeeping(xml) {
    return modeler.importXML(xml).then(function (result) {
      keepReferences(result.warnings);
      return result;
    });
  }

  function keep() {
    if (!current || !dirty[current]) { return Promise.resolve(); }
    return modeler.saveXML({ format: true }).then(function (result) { files[current] = result.xml; });
  }

  function open(name) {
    return keep().then(function () {
      current = name;
      importing = true;
      page.querySelectorAll('[data-file]').forEach(function (tab) {
        tab.classList.toggle('active', tab.getAttribute('data-file') === name);
      });
      return importKeeping(files[name]);
    }).then(function (result) {
      importing = false;
      modeler.get('canvas').zoom('fit-viewport');
      // Unresolved references were kept (keepReferences); other warnings are shapes lost.
      var lost = result.warnings.filter(function (w) { return !w.property; }).length;
      status(lost ? fill(text.importWarnings, { n: lost }) : '');
      markProblems();
    }, function (err) {
      importing = false;
      status(/no diagram to display/i.test(err.message) ? text.noLayout : fill(text.failed, { e: err.message }));
    });
  }

  function save() {
    return keep().then(function () {
      var names = Object.keys(dirty).filter(function (n) { return dirty[n]; });
      status(text.saving);
      return names.reduce(function (chain, name) {
        return chain.then(function () {
          return call('PUT', page.dataset.saveUrl.replace('__NAME__', encodeURIComponent(name)), { xml: files[name] })
            .then(function (answer) {
              if (!answer.ok) { showProblems(answer.body.problems); throw new Error(name); }
              dirty[name] = false;
              showProblems(answer.body.problems);
            });
        });
      }, Promise.resolve()).then(function () { status(text.saved); });
    });
  }

  function check() {
    return save().then(function () {
      status(text.checking);
      return call('POST', page.dataset.checkUrl);
    }).then(function (answer) { showProblems(answer.body.problems); status(''); });
  }

  function deploy() {
    // Deploying changes what every new case runs: say what runs on the version replaced.
    if (!window.confirm(text.confirmDeploy)) { return Promise.resolve(); }
    return save().then(function () {
      status(text.deploying);
      return call('POST', page.dataset.deployUrl);
    }).then(function (answer) {
      if (answer.ok) { leaving = true; window.location.assign(answer.body.url); return; }
      showProblems(answer.body.problems);
      status('');
    });
  }

  function failed(err) { status(fill(text.failed, { e: err.message })); }

  // -- start ------------------------------------------------------------------------

  function start(descriptor) {
    modeler = new window.BpmnJS({
      container: '#canvas',
      moddleExtensions: { ketnap: descriptor },
      additionalModules: page.dataset.locale === 'vi' ? [window.ketnapBpmnVi] : []
    });
    window.ketnapModeler = modeler;
    window.ketnapImport = importKeeping;
    window.ketnapProperties(modeler, document.getElementById('properties'), {
      forms: data.forms, resolvers: data.resolvers, text: text, formUrl: page.dataset.formUrl
    });
    modeler.on('commandStack.changed', function () {
      if (current && !importing) { dirty[current] = true; status(text.unsaved); }
    });
    page.querySelectorAll('[data-file]').forEach(function (tab) {
      tab.addEventListener('click', function () { open(tab.getAttribute('data-file')).catch(failed); });
    });
    // Our own buttons only: bpmn-js's palette entries carry data-action too.
    var actions = { save: save, check: check, deploy: deploy };
    page.querySelectorAll('[data-modeler-action]').forEach(function (button) {
      button.addEventListener('click', function () {
        button.disabled = true;
        actions[button.getAttribute('data-modeler-action')]().catch(failed).then(function () { button.disabled = false; });
      });
    });
    return call('GET', page.dataset.contentUrl).then(function (answer) {
      files = answer.body.files;
      problems = answer.body.problems;
      var first = page.dataset.main && files[page.dataset.main] ? page.dataset.main : Object.keys(files).sort()[0];
      return first ? open(first) : null;
    }).then(function () {
      showProblems(problems);
      page.setAttribute('data-ready', 'true');
    });
  }

  function unsaved() {
    return Object.keys(dirty).some(function (name) { return dirty[name]; });
  }

  // Leaving with changes not saved: the browser asks first (its own wording).
  window.addEventListener('beforeunload', function (event) {
    if (unsaved() && !leaving) { event.preventDefault(); event.returnValue = ''; }
  });

  var discard = document.querySelector('[data-testid=discard-form]');
  if (discard) {
    discard.addEventListener('submit', function (event) {
      if (!window.confirm(text.confirmDiscard)) { event.preventDefault(); return; }
      leaving = true;
    });
  }

  fetch(page.dataset.moddleUrl, { credentials: 'same-origin' })
    .then(function (response) { return response.json(); })
    .then(start)
    .catch(failed);
}());
