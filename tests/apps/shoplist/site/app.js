// A small shopping list in the style of TodoMVC: items in memory, views by hash route.
(function () {
  'use strict';
  var items = [];
  var nextId = 1;
  var list = document.getElementById('items');
  var input = document.getElementById('new-item');
  var toggleAll = document.getElementById('toggle-all');
  var left = document.getElementById('left');

  function route() {
    var hash = window.location.hash.replace(/^#\/?/, '');
    return hash === 'active' || hash === 'bought' ? hash : 'all';
  }

  function visible(item) {
    var view = route();
    if (view === 'active') return !item.bought;
    if (view === 'bought') return item.bought;
    return true;
  }

  function render() {
    list.textContent = '';
    items.filter(visible).forEach(function (item) {
      var li = document.createElement('li');
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.id = 'item-' + item.id;
      box.checked = item.bought;
      box.addEventListener('change', function () {
        item.bought = box.checked;
        render();
      });
      var label = document.createElement('label');
      label.htmlFor = box.id;
      label.textContent = item.name;
      var remove = document.createElement('button');
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', 'Remove ' + item.name);
      remove.addEventListener('click', function () {
        items = items.filter(function (other) { return other !== item; });
        render();
      });
      li.append(box, label, remove);
      list.append(li);
    });
    var count = items.filter(function (item) { return !item.bought; }).length;
    left.textContent = count + (count === 1 ? ' item left' : ' items left');
    toggleAll.checked = items.length > 0 && count === 0;
    document.querySelectorAll('.filters a').forEach(function (link) {
      link.classList.toggle('selected', link.getAttribute('href') === '#/' + (route() === 'all' ? '' : route()));
    });
  }

  input.addEventListener('keydown', function (event) {
    var name = input.value.trim();
    if (event.key !== 'Enter' || !name) return;
    items.push({ id: nextId++, name: name, bought: false });
    input.value = '';
    render();
  });

  toggleAll.addEventListener('click', function () {
    var all = toggleAll.checked;
    items.forEach(function (item) { item.bought = all; });
    render();
  });

  window.addEventListener('hashchange', render);
  render();
})();
