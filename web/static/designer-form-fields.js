/* The forms editor's field table: the form's top-level fields as rows (name, label,
 * type, required, choices), to add, reorder, edit and remove them without writing JSON.
 * The JSON beside it stays the form itself: every change here rewrites it (and the
 * preview follows, as when typing); every valid edit there redraws the table. Nested
 * fields of a list and the rarer keys (help, min, max…) are edited in the JSON.
 */
(function () {
  'use strict';

  var box = document.getElementById('form-fields');
  var textarea = document.getElementById('form-text');
  if (!box || !textarea) { return; }
  var text = JSON.parse(document.getElementById('form-fields-data').textContent);
  var body = box.querySelector('tbody');
  var note = box.querySelector('[data-testid=field-table-note]');
  var CHOICES = { choice: true, multichoice: true };
  // Keys that belong to one type only: dropped when the type changes.
  var TYPED = ['choices', 'fields', 'unit_kinds', 'min', 'max', 'min_length', 'max_length',
               'min_items', 'max_items', 'default'];

  function parsed() {
    try {
      var form = JSON.parse(textarea.value);
      return form && typeof form === 'object' && Array.isArray(form.fields) ? form : null;
    } catch { return null; }  // not JSON (yet): no table
  }

  function write(form) {
    textarea.value = JSON.stringify(form, null, 2);
    // As if typed: the preview refreshes, and the page knows it has unsaved changes.
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
    draw();
  }

  function change(index, edit) {
    var form = parsed();
    if (!form) { return; }
    edit(form.fields, index, form);
    write(form);
  }

  function choicesText(field) {
    return (field.choices || []).map(function (c) { return c.value + ' = ' + c.label; }).join('; ');
  }

  function readChoices(value) {
    return value.split(';').map(function (part) {
      var at = part.indexOf('=');
      var key = (at < 0 ? part : part.slice(0, at)).trim();
      return { value: key, label: (at < 0 ? key : part.slice(at + 1)).trim() };
    }).filter(function (c) { return c.value; });
  }

  function input(type, value, label, testid) {
    var el = document.createElement('input');
    el.type = type;
    el.className = type === 'checkbox' ? 'form-check-input' : 'form-control form-control-sm';
    if (type === 'checkbox') { el.checked = !!value; } else { el.value = value || ''; }
    el.setAttribute('aria-label', label);
    el.setAttribute('data-testid', testid);
    return el;
  }

  function typeSelect(value) {
    var select = document.createElement('select');
    select.className = 'form-select form-select-sm';
    select.setAttribute('aria-label', text.type);
    select.setAttribute('data-testid', 'field-type');
    Object.keys(text.types).forEach(function (code) {
      var option = document.createElement('option');
      option.value = code;
      option.textContent = text.types[code];
      option.selected = code === value;
      select.appendChild(option);
    });
    return select;
  }

  function button(label, title, testid, disabled, act) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn btn-sm btn-outline-secondary';
    b.textContent = label;
    b.title = title;
    b.setAttribute('aria-label', title);
    b.setAttribute('data-testid', testid);
    b.disabled = disabled;
    b.addEventListener('click', act);
    return b;
  }

  function cell(row, content) {
    var td = row.insertCell();
    td.appendChild(content);
    return td;
  }

  function retype(fields, i, type) {
    var field = fields[i];
    TYPED.forEach(function (key) { delete field[key]; });
    field.type = type;
    if (CHOICES[type]) { field.choices = [{ value: 'co', label: text.yes }, { value: 'khong', label: text.no }]; }
    if (type === 'list') { field.fields = [{ name: 'muc', label: text.item, type: 'string' }]; }
  }

  function row(field, i, count) {
    var tr = body.insertRow();
    tr.setAttribute('data-testid', 'field-row');
    tr.setAttribute('data-name', field.name || '');
    var order = document.createElement('div');
    order.className = 'btn-group';
    order.appendChild(button('↑', text.up, 'field-up', i === 0, function () {
      change(i, function (fields) { fields.splice(i - 1, 0, fields.splice(i, 1)[0]); });
    }));
    order.appendChild(button('↓', text.down, 'field-down', i === count - 1, function () {
      change(i, function (fields) { fields.splice(i + 1, 0, fields.splice(i, 1)[0]); });
    }));
    cell(tr, order);
    var name = input('text', field.name, text.name, 'field-name');
    name.addEventListener('change', function () { change(i, function (f) { f[i].name = name.value.trim(); }); });
    cell(tr, name);
    var label = input('text', field.label, text.label, 'field-label');
    label.addEventListener('change', function () { change(i, function (f) { f[i].label = label.value; }); });
    cell(tr, label);
    var type = typeSelect(field.type);
    type.addEventListener('change', function () { change(i, function (f) { retype(f, i, type.value); }); });
    cell(tr, type);
    var required = input('checkbox', field.required, text.required, 'field-required');
    required.addEventListener('change', function () {
      change(i, function (f) { if (required.checked) { f[i].required = true; } else { delete f[i].required; } });
    });
    cell(tr, required).className = 'text-center';
    if (CHOICES[field.type]) {
      var choices = input('text', choicesText(field), text.choices, 'field-choices');
      choices.placeholder = text.choicesHelp;
      choices.addEventListener('change', function () { change(i, function (f) { f[i].choices = readChoices(choices.value); }); });
      cell(tr, choices);
    } else {
      cell(tr, document.createTextNode(''));
    }
    cell(tr, button('×', text.remove, 'field-remove', false, function () {
      change(i, function (fields) { fields.splice(i, 1); });
    }));
  }

  function draw() {
    var form = parsed();
    body.textContent = '';
    note.hidden = !!form;
    box.querySelector('[data-testid=add-field]').disabled = !form;
    if (!form) { return; }
    form.fields.forEach(function (field, i) { row(field, i, form.fields.length); });
  }

  function add() {
    change(0, function (fields) {
      var taken = {};
      fields.forEach(function (f) { taken[f.name] = true; });
      var n = fields.length + 1;
      while (taken['truong_' + n]) { n += 1; }
      fields.push({ name: 'truong_' + n, label: text.newField, type: 'string' });
    });
  }

  box.querySelector('[data-testid=add-field]').addEventListener('click', add);
  // Typed JSON redraws the table once it parses again (not while a row is being edited).
  textarea.addEventListener('input', function (event) { if (event.isTrusted) { draw(); } });
  draw();
}());
