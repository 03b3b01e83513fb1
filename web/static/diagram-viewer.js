/* A read-only diagram (bpmn-js NavigatedViewer) of a case or of a deployed version, one
 * file at a time, with each element the case has reached marked by its state: done,
 * active, waiting, overdue (CSS classes ketnap-<state>, drawn by static/diagram.css).
 *
 * The page gives data-url (JSON: {files: {name: xml}, states: {element id: state}}) and
 * data-main (the file to show first) on #diagram-page.
 */
(function () {
  'use strict';

  var page = document.getElementById('diagram-page');
  var viewer = new window.BpmnJS({ container: '#canvas' });
  var content = { files: {}, states: {} };
  window.ketnapViewer = viewer;

  function mark() {
    var registry = viewer.get('elementRegistry');
    var canvas = viewer.get('canvas');
    Object.keys(content.states).forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, 'ketnap-' + content.states[id]); }
    });
  }

  function open(name) {
    page.querySelectorAll('[data-file]').forEach(function (tab) {
      tab.classList.toggle('active', tab.getAttribute('data-file') === name);
    });
    return viewer.importXML(content.files[name]).then(function () {
      viewer.get('canvas').zoom('fit-viewport');
      mark();
      page.setAttribute('data-shown', name);
    }, function (err) {
      page.querySelector('[data-testid=diagram-status]').textContent = page.dataset.noLayout || err.message;
    });
  }

  page.querySelectorAll('[data-file]').forEach(function (tab) {
    tab.addEventListener('click', function () { open(tab.getAttribute('data-file')); });
  });

  // Zoom by a fifth either way, around the middle of the view; "fit" shows it all.
  var ZOOM = { in: 1.25, out: 0.8 };
  page.querySelectorAll('[data-zoom]').forEach(function (button) {
    button.addEventListener('click', function () {
      var canvas = viewer.get('canvas');
      var how = button.getAttribute('data-zoom');
      if (how === 'fit') { canvas.zoom('fit-viewport', 'auto'); return; }
      var box = canvas.viewbox();
      var middle = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * ZOOM[how])), middle);
    });
  });

  fetch(page.dataset.url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
    .then(function (response) { return response.json(); })
    .then(function (json) {
      content = json;
      var names = Object.keys(content.files).sort();
      return open(page.dataset.main && content.files[page.dataset.main] ? page.dataset.main : names[0]);
    })
    .then(function () { page.setAttribute('data-ready', 'true'); });
}());
