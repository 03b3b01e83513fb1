/* The designer's properties panel: the selected element's id and name, and the settings
 * the engine reads (docs/bpmn-conventions.md): a user task's form and deadline, a lane's
 * resolver, a flow's condition, a timer's expression, a called process, a script.
 *
 * Every change goes through bpmn-js' modeling API, so it is undoable and lands in the
 * XML the modeler saves; the ketnap:* attributes are known to the moddle through
 * static/designer-moddle.json and survive import and export.
 *
 * Use: ketnapProperties(modeler, containerElement, {forms, resolvers, text, formUrl}).
 */
(function () {
  'use strict';

  var TIMER_KINDS = ['timeDate', 'timeDuration', 'timeCycle'];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function typeLabel(type) {
    // "bpmn:UserTask" -> "User task", the form bpmn-js' menus use (and translate).
    var words = type.replace(/^bpmn:/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    var english = words.charAt(0).toUpperCase() + words.slice(1);
    var vi = window.ketnapBpmnViStrings || {};
    return vi[english] || english;
  }

  function timerOf(bo) {
    var defs = bo.eventDefinitions || [];
    for (var i = 0; i < defs.length; i++) {
      if (defs[i].$type === 'bpmn:TimerEventDefinition') { return defs[i]; }
    }
    return null;
  }

  function Panel(modeler, container, options) {
    this.modeler = modeler;
    this.container = container;
    this.options = options;
    this.text = options.text;
    this.element = null;
    var self = this;
    modeler.on('selection.changed', function (event) {
      self.show(event.newSelection.length === 1 ? event.newSelection[0] : null);
    });
    modeler.on('element.changed', function (event) {
      if (self.element && event.element === self.element) { self.show(self.element); }
    });
    this.show(null);
  }

  Panel.prototype.modeling = function () { return this.modeler.get('modeling'); };

  Panel.prototype.field = function (key, label, value, onChange, opts) {
    opts = opts || {};
    var id = 'prop-' + key;
    var input = opts.multiline
      ? el('textarea', { id: id, rows: '3', 'class': 'form-control form-control-sm font-monospace' })
      : el('input', { id: id, type: 'text', 'class': 'form-control form-control-sm' });
    input.value = value || '';
    input.setAttribute('data-testid', id);
    if (opts.list) {
      var listId = id + '-choices';
      input.setAttribute('list', listId);
      this.container.appendChild(el('datalist', { id: listId }, opts.list.map(function (v) {
        return el('option', { value: v });
      })));
    }
    input.addEventListener('change', function () { onChange(input.value.trim()); });
    var group = el('div', { 'class': 'mb-2' }, [el('label', { 'for': id, 'class': 'form-label mb-0', text: label }), input]);
    if (opts.help) { group.appendChild(el('div', { 'class': 'form-text', text: opts.help })); }
    this.container.appendChild(group);
    return group;
  };

  Panel.prototype.update = function (props) {
    try {
      this.modeling().updateProperties(this.element, props);
    } catch (err) {
      window.alert(err.message);   // an id already taken, say: say so, change nothing
    }
  };

  Panel.prototype.ketnap = function (name, label, opts) {
    var self = this;
    var attrs = {};
    return this.field(name, label, this.element.businessObject.get('ketnap:' + name), function (value) {
      attrs['ketnap:' + name] = value || undefined;
      self.update(attrs);
    }, opts);
  };

  Panel.prototype.show = function (element) {
    this.element = element;
    this.container.textContent = '';
    if (!element || element.type === 'label') {
      this.container.appendChild(el('p', { 'class': 'text-muted mb-0', text: this.text.nothing }));
      return;
    }
    var bo = element.businessObject;
    var self = this;
    this.container.appendChild(el('div', { 'class': 'fw-semibold mb-2', 'data-testid': 'prop-type', text: typeLabel(element.type) }));
    this.field('id', this.text.id, bo.id, function (value) { if (value) { self.update({ id: value }); } });
    this.field('name', this.text.name, bo.name, function (value) { self.update({ name: value || undefined }); });
    this.specific(element, bo);
  };

  Panel.prototype.specific = function (element, bo) {
    var t = this.text;
    if (bo.$instanceOf('bpmn:UserTask') || bo.$instanceOf('bpmn:ManualTask')) {
      this.formField(bo);
      this.ketnap('due', t.due, { help: t.dueHelp });
      this.ketnap('dueFrom', t.dueFrom);
      this.ketnap('options', t.options, { help: t.optionsHelp });
    } else if (bo.$instanceOf('bpmn:StartEvent')) {
      this.formField(bo);
    } else if (bo.$instanceOf('bpmn:Lane')) {
      this.ketnap('resolver', t.resolver, { list: this.options.resolvers });
    } else if (bo.$instanceOf('bpmn:SequenceFlow')) {
      this.conditionField(bo);
    } else if (bo.$instanceOf('bpmn:CallActivity')) {
      var self = this;
      this.field('calledElement', t.calledElement, bo.calledElement, function (value) {
        self.update({ calledElement: value || undefined });
      });
    } else if (bo.$instanceOf('bpmn:ScriptTask')) {
      this.scriptField(bo);
    }
    if (timerOf(bo)) { this.timerFields(element, timerOf(bo)); }
  };

  Panel.prototype.formField = function (bo) {
    var group = this.ketnap('form', this.text.form, { list: this.options.forms });
    var name = bo.get('ketnap:form');
    if (name && this.options.formUrl) {
      group.appendChild(el('a', { href: this.options.formUrl.replace('__NAME__', encodeURIComponent(name)),
        'class': 'small', text: this.text.openForm }));
    }
  };

  Panel.prototype.conditionField = function (bo) {
    var self = this;
    var current = bo.conditionExpression ? bo.conditionExpression.body : '';
    this.field('condition', this.text.condition, current, function (value) {
      var moddle = self.modeler.get('moddle');
      self.update({ conditionExpression: value ? moddle.create('bpmn:FormalExpression', { body: value }) : undefined });
    }, { multiline: true });
  };

  Panel.prototype.scriptField = function (bo) {
    var self = this;
    this.field('script', this.text.script, bo.script, function (value) {
      self.update({ script: value || undefined });
    }, { multiline: true });
  };

  Panel.prototype.timerFields = function (element, timer) {
    var self = this;
    var kind = TIMER_KINDS.filter(function (k) { return timer[k]; })[0] || 'timeDate';
    var select = el('select', { id: 'prop-timerKind', 'class': 'form-select form-select-sm', 'data-testid': 'prop-timerKind' },
      TIMER_KINDS.map(function (k) { return el('option', { value: k, text: self.text[k] }); }));
    select.value = kind;
    this.container.appendChild(el('div', { 'class': 'mb-2' }, [
      el('label', { 'for': 'prop-timerKind', 'class': 'form-label mb-0', text: this.text.timerKind }), select]));
    var current = timer[kind] ? timer[kind].body : '';
    var write = function (chosen, body) {
      var props = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
      if (body) { props[chosen] = self.modeler.get('moddle').create('bpmn:FormalExpression', { body: body }); }
      self.modeling().updateModdleProperties(element, timer, props);
    };
    var group = this.field('timer', this.text.timer, current, function (value) { write(select.value, value); },
      { multiline: true });
    select.addEventListener('change', function () { write(select.value, group.querySelector('textarea').value.trim()); });
  };

  window.ketnapProperties = function (modeler, container, options) {
    return new Panel(modeler, container, options);
  };
}());
